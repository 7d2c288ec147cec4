import request from 'supertest';
import { runCli } from '../../scripts/cli';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp, testAppEnv } from '../helpers/test-app';
import { addDaysTo, labourClaim, office, victim } from './support';

/** An admin runs the daily deadline scan now, over HTTP or from the command line. */
let t: TestApp;
let admin: TestUser;
let claimId: string;
const today = new Date().toISOString().slice(0, 10);

const remindersOf = async (id: string) =>
  t.ctx.db
    .selectFrom('deadline_reminders')
    .select(['offset_days', 'outbox_id'])
    .where('claim_id', '=', id)
    .execute();
const scanNow = (user: TestUser) =>
  request(t.app).post('/v1/admin/deadline-scan').set('Authorization', user.authHeader).send({});

beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, { role: 'admin' });
  const o = await office(t);
  // a TH labour claim's decision deadline runs 60 days from filing: filed 55 days ago, due in 5
  claimId = await labourClaim(t, o, await victim(t, o), addDaysTo(today, -55));
});
afterAll(async () => {
  await t.close();
});

describe('POST /v1/admin/deadline-scan', () => {
  it('queues the due reminder once, however often it runs, and records the run and who ran it', async () => {
    const first = await scanNow(admin).expect(200);
    expect(first.body.deadlineReminders).toBeGreaterThanOrEqual(1);
    expect(first.body.detail).toMatch(/^enqueued \d+ reminder\(s\)/);
    const reminders = await remindersOf(claimId);
    expect(reminders).toEqual([{ offset_days: 7, outbox_id: expect.any(String) }]);

    const second = await scanNow(admin).expect(200);
    expect(second.body).toMatchObject({ deadlineReminders: 0, otherReminders: 0 });
    expect(await remindersOf(claimId)).toEqual(reminders);
    const outbox = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('topic', '=', 'deadline.reminder')
      .where('id', '=', reminders[0]!.outbox_id!)
      .execute();
    expect(outbox).toHaveLength(1);

    const run = await t.ctx.db
      .selectFrom('scheduled_job_runs')
      .selectAll()
      .where('name', '=', 'scan.deadlines')
      .executeTakeFirstOrThrow();
    expect(run.last_ok).toBe(true);
    const audited = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'details'])
      .where('action', '=', 'deadline_scan.run')
      .orderBy('id')
      .execute();
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({ actor_id: admin.id, details: { via: 'http' } });
  });

  it.each(['legal_aid', 'fund_admin', 'auditor'] as const)(
    'is for admins only: a %s gets 403',
    async (role) => {
      const user = await aUser(t, { role });
      const before = await t.ctx.db.selectFrom('deadline_reminders').select('id').execute();
      const res = await scanNow(user).expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await t.ctx.db.selectFrom('deadline_reminders').select('id').execute()).toEqual(before);
    },
  );

  it('takes no fields', async () => {
    const res = await request(t.app)
      .post('/v1/admin/deadline-scan')
      .set('Authorization', admin.authHeader)
      .send({ today: '2030-01-01' })
      .expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
  });
});

describe('npm run cli -- scan-deadlines', () => {
  it('runs the same scan: a new due deadline gets its reminder, an old one none again', async () => {
    const o = await office(t);
    const fresh = await labourClaim(t, o, await victim(t, o), addDaysTo(today, -59)); // due tomorrow
    let stdout = '';
    let stderr = '';
    const code = await runCli(['scan-deadlines'], {
      env: testAppEnv(t),
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^enqueued 1 reminder\(s\), \d+ hearing\/reflection\/decision reminder\(s\)\n$/);
    expect((await remindersOf(fresh)).map((r) => r.offset_days)).toEqual([1]);
    expect(await remindersOf(claimId)).toHaveLength(1);
    const cliAudit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'details'])
      .where('action', '=', 'deadline_scan.run')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(cliAudit).toMatchObject({ actor_id: null, details: { via: 'cli' } });
  });
});
