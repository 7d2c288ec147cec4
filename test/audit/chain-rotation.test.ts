import crypto from 'node:crypto';
import { sealAuditEvents, verifyAuditChain } from '../../src/audit/audit-chain';
import { recordAudit } from '../../src/audit/audit.service';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { parseKeyRing } from '../../src/lib/crypto';
import { transact, type Db } from '../../src/lib/db';
import { createLogger } from '../../src/lib/logger';
import { verifyLedger } from '../../src/ledger/ledger-chain';
import { createTestApp, type TestApp } from '../helpers/test-app';

// CHAIN_KEYS is a ring: the first key signs, every key verifies, each link names its key.

const keyA = `a1:${crypto.randomBytes(32).toString('base64')}`;
const keyB = `b2:${crypto.randomBytes(32).toString('base64')}`;
let t: TestApp;
const others: Runtime[] = [];

/** Another process on the same database, started with another CHAIN_KEYS. */
async function restartedWith(chainKeys: string): Promise<Db> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    DATA_DIR: t.config.dataDir,
    LOG_LEVEL: 'silent',
    PII_KEYS: t.config.piiKeys!,
    BLIND_INDEX_KEY: t.config.blindIndexKey!,
    CHAIN_KEYS: chainKeys,
  });
  const runtime = await buildRuntime(config, {
    logger: createLogger('silent'),
    keys: parseKeyRing(config.piiKeys!, config.blindIndexKey!),
    migrate: false,
  });
  others.push(runtime);
  return runtime.ctx.db;
}

async function event(db: Db, resourceId: string): Promise<void> {
  await transact(db, (trx) =>
    recordAudit(trx, { actor: null, action: 'claim.update', resourceType: 'claim', resourceId }),
  );
  await sealAuditEvents(db);
}

beforeAll(async () => {
  t = await createTestApp({ CHAIN_KEYS: keyA });
});
afterAll(async () => {
  for (const r of others) await r.handle.close();
  await t.close();
});

describe('rotating CHAIN_KEYS', () => {
  it('signs new links with the new key while old links still verify; dropping the old key breaks them', async () => {
    await event(t.ctx.db, 'c-1');
    const rotated = await restartedWith(`${keyB},${keyA}`);
    await event(rotated, 'c-2');
    const keyIds = await rotated
      .selectFrom('audit_events')
      .select('chain_key_id')
      .orderBy('chain_seq')
      .execute();
    expect(keyIds.map((r) => r.chain_key_id)).toEqual(['a1', 'b2']);
    expect(await verifyAuditChain(rotated)).toMatchObject({ ok: true, eventsChecked: 2 });
    expect((await verifyLedger(rotated)).ok).toBe(true);

    // A ring without the key that signed the first link cannot vouch for it.
    const forgetful = await restartedWith(keyB);
    const first = await forgetful
      .selectFrom('audit_events')
      .select('id')
      .orderBy('chain_seq')
      .executeTakeFirstOrThrow();
    expect(await verifyAuditChain(forgetful)).toMatchObject({
      ok: false,
      eventsChecked: 1,
      firstBrokenEvent: first.id,
    });
    // Nor can a process whose key has the right id but other bytes (a forger's guess).
    const impostor = await restartedWith(`a1:${crypto.randomBytes(32).toString('base64')},${keyB}`);
    expect(await verifyAuditChain(impostor)).toMatchObject({ ok: false, firstBrokenEvent: first.id });
  });
});
