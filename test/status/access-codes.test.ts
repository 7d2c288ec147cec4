import { sql } from 'kysely';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';
import { issueCode, newVictim, post, SECRET, world, type World } from './support';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://redress.example.org/' });
  w = await world(t);
});
afterAll(async () => {
  await t.close();
});

const check = (reference: string, accessCode: string) =>
  post(t, '/v1/status', null, { reference, accessCode });

describe('issuing an access code', () => {
  it('answers 201 with the reference, a grouped code and a card in the victim’s language', async () => {
    const v = await newVictim(t, w.worker, 'km');
    const res = await post(t, `/v1/victims/${v.id}/access-code`, w.worker, {}).expect(201);
    expect(Object.keys(res.body).sort()).toEqual(['accessCode', 'cardHtml', 'reference']);
    expect(res.body.reference).toBe(v.reference);
    expect(res.body.accessCode).toMatch(/^([2-9A-HJKMNP-TV-Z]{4}-){4}[2-9A-HJKMNP-TV-Z]{2}$/);
    const card: string = res.body.cardHtml;
    expect(card).toContain('<html lang="km"');
    expect(card).toContain('កាតពិនិត្យស្ថានភាពសំណុំរឿងរបស់អ្នក'); // the Khmer card title
    expect(card).toContain(v.reference);
    expect(card).toContain(res.body.accessCode);
    expect(card).toContain('https://redress.example.org/status');
    expect(card).not.toContain(SECRET.fullName);
    expect(card).not.toContain(SECRET.dateOfBirth);
    expect(card).not.toMatch(/<script/i);
    await check(v.reference, res.body.accessCode).expect(200);
  });

  it('keeps only a keyed hash: the code is nowhere in the database', async () => {
    const v = await newVictim(t, w.worker);
    const { accessCode } = await issueCode(t, w.worker, v.id);
    const row = await t.ctx.db
      .selectFrom('status_access_codes')
      .selectAll()
      .where('victim_id', '=', v.id)
      .executeTakeFirstOrThrow();
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    const bare = accessCode.replace(/-/g, '');
    // no column of any row of the table holds the code, with or without dashes, in any case
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from status_access_codes s
      where position(${bare} in upper(replace(s::text, '-', ''))) > 0`.execute(t.ctx.db);
    expect(rows[0]!.n).toBe(0);
    const audits = await sql<{ d: string }>`select details::text as d from audit_events
      where resource_id = ${v.id}`.execute(t.ctx.db);
    expect(audits.rows.length).toBeGreaterThan(0);
    for (const a of audits.rows) {
      expect(a.d).not.toContain(bare);
      expect(a.d).not.toContain(accessCode);
    }
  });

  it('revokes the previous code when a new one is issued, and audits both', async () => {
    const v = await newVictim(t, w.worker);
    const first = await issueCode(t, w.worker, v.id);
    const second = await issueCode(t, w.worker, v.id);
    expect(second.accessCode).not.toBe(first.accessCode);
    await check(v.reference, first.accessCode).expect(404);
    await check(v.reference, second.accessCode).expect(200);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id', 'details'])
      .where('resource_id', '=', v.id)
      .where('action', '=', 'victim.access_code.issue')
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.action, e.actor_id, (e.details as any).replacedPrevious])).toEqual([
      ['victim.access_code.issue', w.worker.id, false],
      ['victim.access_code.issue', w.worker.id, true],
    ]);
  });

  it('is the owning office’s business only: another office gets 404, other roles 403', async () => {
    const v = await newVictim(t, w.worker);
    const before = await t.ctx.db.selectFrom('status_access_codes').select('victim_id').execute();
    const notFound = await post(t, `/v1/victims/${v.id}/access-code`, w.outsider, {}).expect(404);
    expect(notFound.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(t.app)
      .get(`/v1/victims/${v.id}/access-code`)
      .set('Authorization', w.outsider.authHeader)
      .expect(404);
    await post(t, `/v1/victims/${v.id}/access-code`, w.fundAdmin, {}).expect(403);
    const auditor = await aUser(t, { role: 'auditor', direct: true });
    await post(t, `/v1/victims/${v.id}/access-code`, auditor, {}).expect(403);
    await post(t, `/v1/victims/${v.id}/access-code`, null, {}).expect(401);
    await post(t, '/v1/victims/00000000-0000-4000-8000-000000000000/access-code', w.worker, {}).expect(404);
    const after = await t.ctx.db.selectFrom('status_access_codes').select('victim_id').execute();
    expect(after).toEqual(before);
  });

  it('refuses bad input with 400 problem+json and writes nothing', async () => {
    const v = await newVictim(t, w.worker);
    const badId = await post(t, '/v1/victims/not-a-uuid/access-code', w.worker, {}).expect(400);
    expect(badId.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(badId.body.errors[0].path).toBe('id');
    const chosen = await post(t, `/v1/victims/${v.id}/access-code`, w.worker, { accessCode: 'MINE' }).expect(
      400,
    );
    expect(chosen.body.errors[0].path).toBe('accessCode'); // a worker cannot pick the code
    const rows = await t.ctx.db
      .selectFrom('status_access_codes')
      .select('victim_id')
      .where('victim_id', '=', v.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('what the legal aid worker sees of the code', () => {
  it('shows when it was issued, failed checks since then and any lock, never the code', async () => {
    const v = await newVictim(t, w.worker);
    const summary = () =>
      request(t.app)
        .get(`/v1/victims/${v.id}/access-code`)
        .set('Authorization', w.worker.authHeader)
        .expect(200);
    expect((await summary()).body).toEqual({
      issuedAt: null,
      failedAttempts: 0,
      lastFailedAttemptAt: null,
      lockedAddresses: 0,
      lockedUntil: null,
    });

    const { accessCode } = await issueCode(t, w.worker, v.id);
    for (let i = 0; i < 3; i++) await check(v.reference, 'ABCD-EFGH-JKMN-PQRS-TV').expect(404);
    const after3 = (await summary()).body;
    expect(after3).toMatchObject({ failedAttempts: 3, lockedAddresses: 0, lockedUntil: null });
    expect(Date.now() - Date.parse(after3.lastFailedAttemptAt)).toBeLessThan(60_000);
    expect(Date.now() - Date.parse(after3.issuedAt)).toBeLessThan(60_000);
    expect(JSON.stringify(after3)).not.toContain(accessCode.slice(0, 4));

    for (let i = 0; i < 7; i++) await check(v.reference, 'ABCD-EFGH-JKMN-PQRS-TV').expect(404);
    const locked = (await summary()).body;
    expect(locked).toMatchObject({ failedAttempts: 10, lockedAddresses: 1 });
    const minutes = (Date.parse(locked.lockedUntil) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);

    // a new code starts a new count and lifts every address's lock on the reference
    await issueCode(t, w.worker, v.id);
    expect((await summary()).body).toMatchObject({
      failedAttempts: 0,
      lastFailedAttemptAt: null,
      lockedAddresses: 0,
      lockedUntil: null,
    });
  });
});
