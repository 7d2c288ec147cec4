import { sql } from 'kysely';
import pg from 'pg';
import { scheduleAuditSeal, sealAuditEvents, verifyAuditChain } from '../../src/audit/audit-chain';
import { recordAudit } from '../../src/audit/audit.service';
import { transact } from '../../src/lib/db';
import { chainKeysOf } from '../../src/lib/chain-keys';
import { GENESIS_HASH, keyedChainHash } from '../../src/lib/hash-chain';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function chainRows() {
  return t.ctx.db
    .selectFrom('audit_events')
    .select(['id', 'action', 'chain_seq', 'prev_hash', 'hash'])
    .orderBy('id')
    .execute();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit chain sealing', () => {
  it('hashes exactly the content PostgreSQL stores: microsecond time, jsonb text, every column', async () => {
    const row = await t.ctx.db
      .insertInto('audit_events')
      .values({
        occurred_at: sql<Date>`'2026-03-01 12:34:56.123456+07'::timestamptz`,
        actor_id: '7d1f4c9e-2b7a-4c1e-9d3a-5f6b7c8d9e0f',
        actor_role: 'auditor',
        action: 'test.exact',
        resource_type: 'thing',
        resource_id: 'r-1',
        request_id: 'req-1',
        outcome: 'denied',
        details: JSON.stringify({ zeta: 1, a: 'x' }),
        chain_seq: null,
        prev_hash: null,
        hash: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await sealAuditEvents(t.ctx.db)).toBe(1);

    // An HMAC under the active chain key, over the key id, the place in the chain and the link.
    const ring = chainKeysOf(t.ctx.db);
    const expected = keyedChainHash(ring.keys.get(ring.activeKeyId)!, ring.activeKeyId, '1', GENESIS_HASH, {
      id: row.id,
      occurredAt: '2026-03-01T05:34:56.123456Z',
      actorId: '7d1f4c9e-2b7a-4c1e-9d3a-5f6b7c8d9e0f',
      actorRole: 'auditor',
      action: 'test.exact',
      resourceType: 'thing',
      resourceId: 'r-1',
      requestId: 'req-1',
      outcome: 'denied',
      details: '{"a": "x", "zeta": 1}',
    });
    const [sealed] = await chainRows();
    expect(sealed).toMatchObject({ id: row.id, chain_seq: '1', prev_hash: GENESIS_HASH, hash: expected });
    const keyId = await t.ctx.db.selectFrom('audit_events').select('chain_key_id').executeTakeFirstOrThrow();
    expect(keyId.chain_key_id).toBe(ring.activeKeyId);
    expect(await verifyAuditChain(t.ctx.db)).toEqual({
      ok: true,
      eventsChecked: 1,
      firstBrokenEvent: null,
      chainLegacyEnds: null,
    });
  });

  it('seals every committed event exactly once while parallel writers commit out of id order', async () => {
    const before = (await chainRows()).length;
    // A transaction that takes an early id and commits last.
    const slow = new pg.Client({ connectionString: t.databaseUrl });
    await slow.connect();
    let slowId: string;
    try {
      await slow.query('begin');
      const inserted = await slow.query<{ id: string }>(
        `insert into audit_events (action, resource_type, outcome) values ('slow.write', 'test', 'success') returning id`,
      );
      slowId = inserted.rows[0]!.id;

      const writers = Array.from({ length: 30 }, (_, i) =>
        transact(t.ctx.db, async (trx) => {
          for (let k = 0; k < 3; k++) {
            await recordAudit(trx, {
              actor: null,
              action: i % 6 === 0 ? 'rolled.back' : 'parallel.write',
              resourceType: 'test',
              resourceId: `${i}-${k}`,
            });
            // Vary commit order against id order; writer 1 holds its ids open longest.
            await sql`select pg_sleep(${i === 1 ? 0.4 : (i % 4) * 0.01})`.execute(trx);
          }
          if (i % 6 === 0) throw new Error('roll back on purpose');
        }).catch((err: Error) => {
          if (err.message !== 'roll back on purpose') throw err;
        }),
      );
      const sealers = Array.from({ length: 6 }, async (_, i) => {
        await sleep(i * 60);
        return sealAuditEvents(t.ctx.db, { batchSize: 4 });
      });
      await Promise.all([...writers, ...sealers]);
      await sealAuditEvents(t.ctx.db);

      const whileOpen = await chainRows();
      expect(whileOpen.some((r) => r.id === slowId)).toBe(false); // not committed: invisible
      expect(whileOpen.every((r) => r.chain_seq !== null)).toBe(true);
      await slow.query('commit');
    } finally {
      await slow.end();
    }

    expect(await sealAuditEvents(t.ctx.db)).toBe(1);
    const rows = await chainRows();
    // 25 committed writers x 3 events, plus the slow one; the 5 rolled-back writers left nothing.
    expect(rows.length - before).toBe(25 * 3 + 1);
    expect(rows.filter((r) => r.action === 'rolled.back')).toHaveLength(0);
    const seqs = rows.map((r) => Number(r.chain_seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    // Sealed in commit order: the smallest new id is last in the chain.
    const slowRow = rows.find((r) => r.id === slowId)!;
    expect(Number(slowRow.chain_seq)).toBe(rows.length);
    expect(BigInt(slowId)).toBeLessThan(BigInt(rows[rows.length - 1]!.id));

    const verdict = await verifyAuditChain(t.ctx.db, { batchSize: 7 });
    expect(verdict).toEqual({
      ok: true,
      eventsChecked: rows.length,
      firstBrokenEvent: null,
      chainLegacyEnds: null,
    });
  });

  it('seals a backlog larger than one batch and links each batch to the last', async () => {
    await transact(t.ctx.db, async (trx) => {
      for (let i = 0; i < 20; i++)
        await recordAudit(trx, { actor: null, action: 'backlog.write', resourceType: 'test' });
    });
    expect(await sealAuditEvents(t.ctx.db, { batchSize: 6 })).toBe(20);
    expect(await sealAuditEvents(t.ctx.db)).toBe(0);
    const rows = (await chainRows()).sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    const verdict = await verifyAuditChain(t.ctx.db, { batchSize: 5 });
    expect(verdict).toEqual({
      ok: true,
      eventsChecked: rows.length,
      firstBrokenEvent: null,
      chainLegacyEnds: null,
    });
  });

  it('a burst of after-commit kicks leaves nothing unsealed', async () => {
    await transact(t.ctx.db, (trx) =>
      recordAudit(trx, { actor: null, action: 'kick.write', resourceType: 'test' }),
    );
    const kicks = Array.from({ length: 10 }, () => scheduleAuditSeal(t.ctx.db, t.ctx.logger));
    await transact(t.ctx.db, (trx) =>
      recordAudit(trx, { actor: null, action: 'kick.write', resourceType: 'test' }),
    );
    kicks.push(scheduleAuditSeal(t.ctx.db, t.ctx.logger));
    await Promise.all(kicks);
    const unsealed = (await chainRows()).filter((r) => r.chain_seq === null);
    expect(unsealed).toEqual([]);
  });
});

describe('audit_events is append-only in SQL', () => {
  let sealedId: string;
  let unsealedId: string;
  beforeAll(async () => {
    await transact(t.ctx.db, (trx) =>
      recordAudit(trx, { actor: null, action: 'guard.sealed', resourceType: 'test' }),
    );
    await sealAuditEvents(t.ctx.db);
    await transact(t.ctx.db, (trx) =>
      recordAudit(trx, { actor: null, action: 'guard.unsealed', resourceType: 'test' }),
    );
    const rows = await chainRows();
    sealedId = rows.find((r) => r.action === 'guard.sealed')!.id;
    unsealedId = rows.find((r) => r.action === 'guard.unsealed')!.id;
  });

  it.each([
    ['an UPDATE of a sealed row', () => sql`update audit_events set action = 'x' where id = ${sealedId}`],
    [
      'an UPDATE of a not-yet-sealed row',
      () => sql`update audit_events set action = 'x' where id = ${unsealedId}`,
    ],
    ['re-sealing a sealed row', () => sql`update audit_events set chain_seq = 999999 where id = ${sealedId}`],
    ['a DELETE', () => sql`delete from audit_events where id = ${sealedId}`],
    ['a DELETE of a not-yet-sealed row', () => sql`delete from audit_events where id = ${unsealedId}`],
    ['a TRUNCATE', () => sql`truncate audit_events`],
  ])('refuses %s', async (_name, statement) => {
    await expect(statement().execute(t.ctx.db)).rejects.toThrow(/append-only/);
    const rows = await chainRows();
    expect(rows.find((r) => r.id === sealedId)).toMatchObject({ action: 'guard.sealed' });
    expect(rows.find((r) => r.id === unsealedId)).toMatchObject({
      action: 'guard.unsealed',
      chain_seq: null,
    });
  });
});
