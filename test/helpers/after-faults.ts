import { sealAndVerifyAuditChain } from '../../src/audit/audit-chain';
import type { Db } from '../../src/lib/db';
import { verifyLedger } from '../../src/ledger/ledger-chain';

/** Outbox rows whose delivery is not recorded yet (a message is done only when it is). */
export function undeliveredMessages(db: Db): Promise<Array<{ id: string; topic: string }>> {
  return db.selectFrom('outbox').select(['id', 'topic']).where('delivered_at', 'is', null).execute();
}

/**
 * What must hold after any fault test (issue 11, acceptance): every message due was delivered,
 * exactly once per Message-ID; the ledger and audit chains verify (the same functions as
 * GET /v1/ledger/verify and GET /v1/audit/verify); and no identifying value (names, e-mail
 * addresses, document numbers) appears in any captured log line.
 */
export async function assertAfterFaults(input: {
  db: Db;
  receivedMessages: ReadonlyArray<{ messageId: string }>;
  logLines: readonly string[];
  identifying: readonly string[];
}): Promise<void> {
  expect(await undeliveredMessages(input.db)).toEqual([]);

  const ids = input.receivedMessages.map((m) => m.messageId);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  expect(repeated).toEqual([]);
  expect(ids.every((id) => id !== '')).toBe(true);

  const ledger = await verifyLedger(input.db);
  expect(ledger.ok).toBe(true);
  const audit = await sealAndVerifyAuditChain(input.db);
  expect(audit.ok).toBe(true);

  const values = input.identifying.filter((v) => v.trim() !== '').map((v) => v.toLowerCase());
  const leaks = input.logLines.filter((line) => values.some((v) => line.toLowerCase().includes(v)));
  expect(leaks).toEqual([]);
}
