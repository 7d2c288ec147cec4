import { sql } from 'kysely';
import request from 'supertest';
import { sealAuditEvents } from '../../src/audit/audit-chain';
import { recordAudit } from '../../src/audit/audit.service';
import { transact } from '../../src/lib/db';
import { sealContent } from '../../src/audit/audit';
import { chainBatch } from '../../src/audit/audit.repository';
import { chainHash } from '../../src/lib/hash-chain';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';

// Each scenario breaks the chain for good, so each gets its own database.
let t: TestApp;
let token: string;
let ids: string[]; // the ten events, in chain order
beforeEach(async () => {
  t = await createTestApp();
  token = (await aUser(t, { role: 'auditor', office: null, direct: true })).token;
  await transact(t.ctx.db, async (trx) => {
    for (let i = 0; i < 10; i++) {
      await recordAudit(trx, {
        actor: null,
        action: 'claim.update',
        resourceType: 'claim',
        resourceId: `c-${i}`,
        details: { field: 'status' },
      });
    }
  });
  await sealAuditEvents(t.ctx.db);
  const rows = await t.ctx.db.selectFrom('audit_events').select('id').orderBy('chain_seq').execute();
  ids = rows.map((r) => r.id);
  expect(ids).toHaveLength(10);
  const clean = await request(t.app)
    .get('/v1/audit/verify')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expect(clean.body).toEqual({ ok: true, eventsChecked: 10, firstBrokenEvent: null, chainLegacyEnds: null });
});
afterEach(async () => {
  await t.close();
});

/** What a database superuser can do: switch the append-only trigger off, change rows, switch it on. */
async function asSuperuser(statement: ReturnType<typeof sql>): Promise<void> {
  await sql`alter table audit_events disable trigger user`.execute(t.ctx.db);
  try {
    await statement.execute(t.ctx.db);
  } finally {
    await sql`alter table audit_events enable trigger user`.execute(t.ctx.db);
  }
}

async function verify(): Promise<{
  ok: boolean;
  eventsChecked: number;
  firstBrokenEvent: string | null;
  chainLegacyEnds: string | null;
}> {
  const res = await request(t.app)
    .get('/v1/audit/verify')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  return res.body;
}

/** A sealed event's content and link, read as the verifier reads it. */
async function contentOf(id: string) {
  const rows = await chainBatch(t.ctx.db, '0', '9223372036854775807', 1000);
  return rows.find((r) => r.id === id);
}

describe('GET /v1/audit/verify after tampering', () => {
  it('names the row whose action was changed', async () => {
    await asSuperuser(sql`update audit_events set action = 'claim.read' where id = ${ids[3]}`);
    expect(await verify()).toEqual({
      ok: false,
      eventsChecked: 4,
      firstBrokenEvent: ids[3],
      chainLegacyEnds: null,
    });
  });

  it('names the row whose details were changed', async () => {
    await asSuperuser(sql`update audit_events set details = '{"field": "amount"}' where id = ${ids[6]}`);
    expect(await verify()).toEqual({
      ok: false,
      eventsChecked: 7,
      firstBrokenEvent: ids[6],
      chainLegacyEnds: null,
    });
  });

  it('names the row whose time was moved by one microsecond', async () => {
    await asSuperuser(
      sql`update audit_events set occurred_at = occurred_at + interval '1 microsecond' where id = ${ids[0]}`,
    );
    expect(await verify()).toEqual({
      ok: false,
      eventsChecked: 1,
      firstBrokenEvent: ids[0],
      chainLegacyEnds: null,
    });
  });

  it('catches a forger who rewrites a row and recomputes its link without the key: that row fails', async () => {
    const row = (await contentOf(ids[4]!))!;
    const changed = { ...row, resourceId: 'c-other' };
    // As a forger would: the row's new content, linked to its predecessor, as an unkeyed link.
    const forgedHash = chainHash(row.prevHash!, sealContent(changed));
    await asSuperuser(
      sql`update audit_events set resource_id = 'c-other', hash = ${forgedHash}, chain_key_id = null
        where id = ${ids[4]}`,
    );
    expect(await verify()).toEqual({
      ok: false,
      eventsChecked: 5,
      firstBrokenEvent: ids[4],
      chainLegacyEnds: null,
    });
  });

  it('names the row after one that was deleted', async () => {
    await asSuperuser(sql`delete from audit_events where id = ${ids[5]}`);
    expect(await verify()).toEqual({
      ok: false,
      eventsChecked: 6,
      firstBrokenEvent: ids[6],
      chainLegacyEnds: null,
    });
  });
});

describe('GET /v1/audit/verify after a forgery by SQL alone (keyed links)', () => {
  /**
   * Appends one event by plain INSERT (no trigger stops an insert), with the chain columns a
   * forger can compute: the next sequence number, the head's hash as predecessor, and the
   * unkeyed sha256 link over the row's exact content. Returns its id.
   */
  async function appendForged(keyId: string | null): Promise<string> {
    await sealAuditEvents(t.ctx.db); // every committed event sealed: the head stays the head
    const head = await t.ctx.db
      .selectFrom('audit_events')
      .select(['chain_seq', 'hash'])
      .where('chain_seq', 'is not', null)
      .orderBy('chain_seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ id: string }>`select nextval('audit_events_id_seq')::text as id`.execute(
      t.ctx.db,
    );
    const id = rows[0]!.id;
    const seq = String(BigInt(head.chain_seq!) + 1n);
    const content = {
      id,
      occurredAt: '2026-12-01T10:00:00.123456Z',
      actorId: null,
      actorRole: null,
      action: 'claim.update',
      resourceType: 'claim',
      resourceId: 'c-forged',
      requestId: null,
      outcome: 'success',
      details: '{"field": "status"}',
    };
    const hash = chainHash(head.hash!, content);
    await sql`insert into audit_events (id, occurred_at, action, resource_type, resource_id, outcome, details,
        chain_seq, prev_hash, hash, chain_key_id)
      values (${id}::bigint, '2026-12-01T10:00:00.123456Z', 'claim.update', 'claim', 'c-forged', 'success',
        '{"field": "status"}'::jsonb, ${seq}::bigint, ${head.hash}, ${hash}, ${keyId})`.execute(t.ctx.db);
    // The forgery is exact: the unkeyed link is what the pre-key verifier would have recomputed.
    const stored = (await contentOf(id))!;
    expect(chainHash(stored.prevHash!, sealContent(stored))).toBe(stored.hash);
    return id;
  }

  it('refuses an appended event whose unkeyed link is correctly recomputed', async () => {
    const forged = await appendForged(null);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, firstBrokenEvent: forged, chainLegacyEnds: null });
  });

  it('refuses an appended event that claims the active key id', async () => {
    const { chain_key_id: keyId } = await t.ctx.db
      .selectFrom('audit_events')
      .select('chain_key_id')
      .where('id', '=', ids[0]!)
      .executeTakeFirstOrThrow();
    expect(keyId).not.toBeNull();
    const forged = await appendForged(keyId);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEvent: forged });
  });

  it('refuses the whole chain rewritten as unkeyed links from the genesis', async () => {
    let prev = '0'.repeat(64);
    for (const id of ids) {
      const hash = chainHash(prev, sealContent((await contentOf(id))!));
      await asSuperuser(sql`update audit_events set hash = ${hash}, chain_key_id = null where id = ${id}`);
      prev = hash;
    }
    expect(await verify()).toEqual({
      ok: false,
      eventsChecked: 1,
      firstBrokenEvent: ids[0],
      chainLegacyEnds: null,
    });
  });
});
