import { sql } from 'kysely';
import { sealContent } from '../../src/audit/audit';
import { sealAuditEvents, verifyAuditChain } from '../../src/audit/audit-chain';
import { unsealedBatch } from '../../src/audit/audit.repository';
import { recordAudit } from '../../src/audit/audit.service';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import type { Config } from '../../src/config';
import { parseKeyRing } from '../../src/lib/crypto';
import { openDatabase, transact, type Db } from '../../src/lib/db';
import { chainHash, GENESIS_HASH } from '../../src/lib/hash-chain';
import { createLogger } from '../../src/lib/logger';
import { entryContent, verifyLedger } from '../../src/ledger/ledger-chain';
import { entriesByIds } from '../../src/ledger/ledger-history.repository';
import { callPostEntry, insertAccounts } from '../../src/ledger/ledger.repository';
import { withAdminClient } from '../helpers/pg-admin';
import { auditEventTheOldWay, migrateToJustBefore, upgradeTestDatabase } from '../helpers/upgrade-db';

/*
 * A database that already had sealed, unkeyed chains when chain keys arrived: it is migrated to
 * the migration before keyed chains, given events and an entry sealed the old way, then
 * migrated to the latest. Its old links still verify, the report says where they end, and the
 * keyed links follow; an unkeyed link after that point is a forgery.
 */

const KEYED = '2026_12_02_900000_keyed_chains';
let name: string;
let config: Config;
let runtime: Runtime;
let db: Db;

/** The sealing code from before chain keys: sha256 links, no key id. */
async function sealTheOldWay(old: Db): Promise<void> {
  await transact(old, async (trx) => {
    let prev = GENESIS_HASH;
    let seq = 0;
    for (const row of await unsealedBatch(trx, 100)) {
      const hash = chainHash(prev, sealContent(row));
      await sql`update audit_events set chain_seq = ${++seq}, prev_hash = ${prev}, hash = ${hash}
        where id = ${row.id}`.execute(trx);
      prev = hash;
    }
    const ids = (await trx.selectFrom('ledger_entries').select('id').orderBy('id').execute()).map(
      (r) => r.id,
    );
    prev = GENESIS_HASH;
    seq = 0;
    for (const entry of (await entriesByIds(trx, ids)).reverse()) {
      const hash = chainHash(prev, entryContent(entry));
      await sql`update ledger_entries set chain_seq = ${++seq}, prev_hash = ${prev}, hash = ${hash}
        where id = ${entry.id}`.execute(trx);
      prev = hash;
    }
  });
}

async function auditEvent(target: Db, resourceId: string): Promise<void> {
  await transact(target, (trx) =>
    recordAudit(trx, { actor: null, action: 'claim.update', resourceType: 'claim', resourceId }),
  );
}

/** An entry posted by the code from before write proofs: the old nine-argument function. */
async function postEntryTheOldWay(old: Db, accounts: string[], amount: bigint): Promise<void> {
  await sql`select ledger_post_entry('manual', 'legacy test', null, null, null, '{}'::jsonb,
    ${accounts}::bigint[], array['debit', 'credit'], array[${amount.toString()}, ${amount.toString()}]::bigint[])`.execute(
    old,
  );
}

async function postEntry(target: Db, accounts: string[], amount: bigint): Promise<void> {
  await transact(target, (trx) =>
    callPostEntry(trx, {
      kind: 'manual',
      description: 'legacy test',
      postings: [
        { accountId: accounts[0]!, side: 'debit', amount },
        { accountId: accounts[1]!, side: 'credit', amount },
      ],
    }),
  );
}

beforeAll(async () => {
  ({ name, config } = await upgradeTestDatabase('legacy'));
  const old = await openDatabase(config);
  let accounts: string[];
  try {
    await migrateToJustBefore(old.db, KEYED);
    for (const id of ['c-1', 'c-2', 'c-3']) await auditEventTheOldWay(old.db, id);
    accounts = await transact(old.db, async (trx) =>
      (
        await insertAccounts(
          trx,
          ['cash', 'equity'].map((code) => ({
            fundId: null,
            code: `legacy:${code}`,
            name: code,
            type: code === 'cash' ? ('asset' as const) : ('net_assets' as const),
            normalSide: code === 'cash' ? ('debit' as const) : ('credit' as const),
            currency: 'THB',
            role: 'other' as const,
            pot: null,
            nonNegative: false,
          })),
        )
      ).map((a) => a.id),
    );
    await postEntryTheOldWay(old.db, accounts, 1000n);
    await sealTheOldWay(old.db);
  } finally {
    await old.close();
  }
  runtime = await buildRuntime(config, {
    logger: createLogger('silent'),
    keys: parseKeyRing(config.piiKeys!, config.blindIndexKey!),
  });
  db = runtime.ctx.db;
  await auditEvent(db, 'c-4');
  await postEntry(db, accounts, 500n);
  await sealAuditEvents(db);
});
afterAll(async () => {
  await runtime?.handle.close();
  await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
});

describe('chains sealed before chain keys existed', () => {
  it('verify: the old unkeyed links pass, the report says where they end, keyed links follow', async () => {
    expect(await verifyAuditChain(db)).toEqual({
      ok: true,
      eventsChecked: 4,
      firstBrokenEvent: null,
      chainLegacyEnds: '3',
    });
    const ledger = await verifyLedger(db);
    expect(ledger).toMatchObject({
      ok: true,
      entriesChecked: 2,
      firstBrokenEntry: null,
      chainLegacyEnds: '1',
    });
    const keyIds = await db
      .selectFrom('ledger_entries')
      .select('chain_key_id')
      .orderBy('chain_seq')
      .execute();
    expect(keyIds.map((r) => r.chain_key_id === null)).toEqual([true, false]);
  });

  it('the bound is fixed by the migration and cannot be moved', async () => {
    const bounds = await db.selectFrom('chain_legacy_bounds').select(['chain', 'last_legacy_seq']).execute();
    expect(Object.fromEntries(bounds.map((b) => [b.chain, b.last_legacy_seq]))).toEqual({
      audit: '3',
      ledger: '1',
    });
    await expect(
      sql`update chain_legacy_bounds set last_legacy_seq = 99 where chain = 'audit'`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from chain_legacy_bounds`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('refuses an unkeyed link after the legacy part, even a correctly computed one', async () => {
    await sealAuditEvents(db);
    const head = await db
      .selectFrom('audit_events')
      .select(['id', 'chain_seq', 'hash'])
      .orderBy('chain_seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await auditEvent(db, 'c-forged');
    const [row] = await transact(db, (trx) => unsealedBatch(trx, 1));
    const hash = chainHash(head.hash!, sealContent(row!));
    await sql`update audit_events set chain_seq = ${String(BigInt(head.chain_seq!) + 1n)}::bigint,
      prev_hash = ${head.hash}, hash = ${hash} where id = ${row!.id}`.execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBrokenEvent: row!.id });
  });
});
