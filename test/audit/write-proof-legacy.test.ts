import crypto from 'node:crypto';
import { sql } from 'kysely';
import { sealHash } from '../../src/audit/audit';
import { sealAuditEvents, verifyAuditChain } from '../../src/audit/audit-chain';
import { unsealedBatch } from '../../src/audit/audit.repository';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import type { Config } from '../../src/config';
import { parseKeyRing } from '../../src/lib/crypto';
import { openDatabase, transact, type Db } from '../../src/lib/db';
import { parseChainKeys } from '../../src/lib/chain-keys';
import { GENESIS_HASH } from '../../src/lib/hash-chain';
import { createLogger } from '../../src/lib/logger';
import { withAdminClient } from '../helpers/pg-admin';
import { auditEventTheOldWay, migrateToJustBefore, upgradeTestDatabase } from '../helpers/upgrade-db';

/*
 * A database that already had events when write proofs arrived: one sealed, one committed but
 * not yet sealed. Both pass after the upgrade. The bound is what was sealed plus the ids of what
 * was not, never "every id up to N": a row INSERTed later with an explicit id in a gap below
 * the newest old id must not pass as old.
 */

const PROOFS = '2026_12_02_960000_write_proofs';
const chainKeys = `c1:${crypto.randomBytes(32).toString('base64')}`;
let name: string;
let config: Config;
let runtime: Runtime;
let db: Db;
const ids: Record<'sealed' | 'unsealed' | 'gap', string> = { sealed: '', unsealed: '', gap: '' };

beforeAll(async () => {
  ({ name, config } = await upgradeTestDatabase('proofs', { CHAIN_KEYS: chainKeys }));
  const old = await openDatabase(config);
  try {
    await migrateToJustBefore(old.db, PROOFS);
    ids.sealed = await auditEventTheOldWay(old.db, 'c-sealed');
    // Sealed as the code before write proofs sealed: a keyed link, no proof.
    const ring = parseChainKeys(chainKeys);
    await transact(old.db, async (trx) => {
      const [row] = await unsealedBatch(trx, 1);
      const hash = sealHash(
        { id: ring.activeKeyId, key: ring.keys.get(ring.activeKeyId)! },
        '1',
        GENESIS_HASH,
        row!,
      );
      await sql`update audit_events set chain_seq = 1, prev_hash = ${GENESIS_HASH}, hash = ${hash},
        chain_key_id = ${ring.activeKeyId} where id = ${row!.id}`.execute(trx);
    });
    // An id taken and rolled back: the gap a forger could fill later.
    await transact(old.db, async (trx) => {
      ids.gap = await auditEventTheOldWay(trx, 'c-rolled-back');
      throw new Error('roll back');
    }).catch(() => undefined);
    ids.unsealed = await auditEventTheOldWay(old.db, 'c-unsealed');
  } finally {
    await old.close();
  }
  runtime = await buildRuntime(config, {
    logger: createLogger('silent'),
    keys: parseKeyRing(config.piiKeys!, config.blindIndexKey!),
  });
  db = runtime.ctx.db;
});
afterAll(async () => {
  await runtime?.handle.close();
  await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
});

describe('rows written before write proofs', () => {
  it('the upgrade records what was sealed and which committed rows were not; both pass', async () => {
    const bound = await db
      .selectFrom('write_proof_bounds')
      .select(['last_unproven_seq', sql<string>`unsealed_unproven_ids::text`.as('unsealed')])
      .where('chain', '=', 'audit')
      .executeTakeFirstOrThrow();
    expect(bound).toEqual({ last_unproven_seq: '1', unsealed: `{${ids.unsealed}}` });
    await sealAuditEvents(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, eventsChecked: 2, firstBrokenEvent: null });
  });

  it('a row inserted later into a gap below the old ids does not pass as old', async () => {
    await sql`insert into audit_events (id, action, resource_type, resource_id, outcome, details)
      values (${ids.gap}::bigint, 'claim.update', 'claim', 'c-forged', 'success', '{}')`.execute(db);
    await sealAuditEvents(db);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      eventsChecked: 3,
      firstBrokenEvent: ids.gap,
    });
  });
});
