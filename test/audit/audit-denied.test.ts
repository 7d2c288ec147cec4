import request from 'supertest';
import { sql } from 'kysely';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const deniedEvents = (requestId: string) =>
  t.ctx.db
    .selectFrom('audit_events')
    .select(['actor_id', 'actor_role', 'action', 'resource_type', 'resource_id', 'outcome'])
    .where('request_id', '=', requestId)
    .execute();

describe('denied access in the audit trail', () => {
  it('records a 403 from the permission check as a denied event of the caller', async () => {
    const clerk = await aUser(t, { role: 'legal_aid' });
    const res = await request(t.app)
      .get('/v1/users')
      .set('Authorization', clerk.authHeader)
      .set('X-Request-Id', 'denied-users-read-1')
      .expect(403);
    expect(res.body.status).toBe(403);
    expect(await deniedEvents('denied-users-read-1')).toEqual([
      {
        actor_id: clerk.id,
        actor_role: 'legal_aid',
        action: 'users:read',
        resource_type: 'permission',
        resource_id: null,
        outcome: 'denied',
      },
    ]);
  });

  it('records nothing as denied when the role holds the permission', async () => {
    const admin = await aUser(t, { role: 'admin' });
    await request(t.app)
      .get('/v1/users')
      .set('Authorization', admin.authHeader)
      .set('X-Request-Id', 'allowed-users-read-1')
      .expect(200);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('outcome', '=', 'denied')
      .where('actor_id', '=', admin.id)
      .execute();
    expect(denied).toEqual([]);
  });

  it('still answers 403, not 500, when the denied event cannot be recorded', async () => {
    const clerk = await aUser(t, { role: 'legal_aid' });
    // a real database failure on exactly this insert
    await sql`create function refuse_denied() returns trigger language plpgsql as $$
      begin
        if new.outcome = 'denied' then raise exception 'audit store unavailable'; end if;
        return new;
      end $$`.execute(t.ctx.db);
    await sql`create trigger refuse_denied before insert on audit_events
      for each row execute function refuse_denied()`.execute(t.ctx.db);
    try {
      await request(t.app)
        .post('/v1/organizations')
        .set('Authorization', clerk.authHeader)
        .set('X-Request-Id', 'denied-org-create-1')
        .send({ name: 'Not allowed', kind: 'other' })
        .expect(403);
      expect(await deniedEvents('denied-org-create-1')).toEqual([]);
    } finally {
      await sql`drop trigger refuse_denied on audit_events`.execute(t.ctx.db);
      await sql`drop function refuse_denied()`.execute(t.ctx.db);
    }
  });
});
