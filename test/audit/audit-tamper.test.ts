import { sql } from 'kysely';
import request from 'supertest';
import { sealAuditEvents } from '../../src/audit/audit-chain';
import { recordAudit } from '../../src/audit/audit.service';
import { transact } from '../../src/lib/db';
import { chainHash } from '../../src/lib/hash-chain';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { userWithToken } from './audit-users';

// Each scenario breaks the chain for good, so each gets its own database.
let t: TestApp;
let token: string;
let ids: string[]; // the ten events, in chain order
beforeEach(async () => {
  t = await createTestApp();
  token = (await userWithToken(t.ctx.db, 'auditor')).token;
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
  expect(clean.body).toEqual({ ok: true, eventsChecked: 10, firstBrokenEvent: null });
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

async function verify(): Promise<{ ok: boolean; eventsChecked: number; firstBrokenEvent: string | null }> {
  const res = await request(t.app)
    .get('/v1/audit/verify')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  return res.body;
}

describe('GET /v1/audit/verify after tampering', () => {
  it('names the row whose action was changed', async () => {
    await asSuperuser(sql`update audit_events set action = 'claim.read' where id = ${ids[3]}`);
    expect(await verify()).toEqual({ ok: false, eventsChecked: 4, firstBrokenEvent: ids[3] });
  });

  it('names the row whose details were changed', async () => {
    await asSuperuser(sql`update audit_events set details = '{"field": "amount"}' where id = ${ids[6]}`);
    expect(await verify()).toEqual({ ok: false, eventsChecked: 7, firstBrokenEvent: ids[6] });
  });

  it('names the row whose time was moved by one microsecond', async () => {
    await asSuperuser(
      sql`update audit_events set occurred_at = occurred_at + interval '1 microsecond' where id = ${ids[0]}`,
    );
    expect(await verify()).toEqual({ ok: false, eventsChecked: 1, firstBrokenEvent: ids[0] });
  });

  it('catches a forger who also recomputes the changed row hash: its successor no longer links', async () => {
    const row = await t.ctx.db
      .selectFrom('audit_events')
      .select([
        'id',
        sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
          'occurredAt',
        ),
        'action',
        'resource_type',
        'outcome',
        sql<string>`details::text`.as('details'),
        'prev_hash',
      ])
      .where('id', '=', ids[4]!)
      .executeTakeFirstOrThrow();
    const forgedHash = chainHash(row.prev_hash!, {
      id: row.id,
      occurredAt: row.occurredAt,
      actorId: null,
      actorRole: null,
      action: row.action,
      resourceType: row.resource_type,
      resourceId: 'c-other',
      requestId: null,
      outcome: row.outcome,
      details: row.details,
    });
    await asSuperuser(
      sql`update audit_events set resource_id = 'c-other', hash = ${forgedHash} where id = ${ids[4]}`,
    );
    expect(await verify()).toEqual({ ok: false, eventsChecked: 6, firstBrokenEvent: ids[5] });
  });

  it('names the row after one that was deleted', async () => {
    await asSuperuser(sql`delete from audit_events where id = ${ids[5]}`);
    expect(await verify()).toEqual({ ok: false, eventsChecked: 6, firstBrokenEvent: ids[6] });
  });
});
