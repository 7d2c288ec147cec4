import request from 'supertest';
import { addDays, todayUtc } from '../../src/lib/dates';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';

let t: TestApp;
let worker: TestUser;
let colleague: TestUser;
const ids: Record<string, string> = {};
const order: string[] = [];
let victimA: string;
let victimB: string;

async function file(name: string, body: Record<string, unknown>) {
  const res = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({
      jurisdiction: 'PH',
      currency: 'PHP',
      heads: [{ head: 'unpaid_wages', amount: '100.00' }],
      ...body,
    })
    .expect(201);
  ids[name] = res.body.id;
  order.unshift(res.body.id); // newest first
}

beforeAll(async () => {
  t = await createTestApp();
  const office = await anOffice(t, 'legal_aid', { direct: true });
  worker = await aUser(t, { role: 'legal_aid', office, direct: true });
  colleague = await aUser(t, { role: 'legal_aid', office, direct: true });
  const mk = async () =>
    (
      await request(t.app)
        .post('/v1/victims')
        .set('Authorization', worker.authHeader)
        .send(victimBody({ identityDocuments: [] }))
        .expect(201)
    ).body.id as string;
  victimA = await mk();
  victimB = await mk();
  await file('civilA', { victimId: victimA, route: 'civil' });
  // PH labour: the Labor Arbiter decides within 90 days of filing → due in 5 days
  await file('labourSoon', { victimId: victimA, route: 'labour', filedOn: addDays(todayUtc(), -85) });
  await file('criminalA', { victimId: victimA, route: 'criminal', mode: 'compensation_order' });
  await file('civilB', { victimId: victimB, route: 'civil', assigneeId: colleague.id });
  await file('labourLater', { victimId: victimB, route: 'labour' }); // due in 90 days
  await file('civilHearing', { victimId: victimB, route: 'civil' });
  await request(t.app)
    .post(`/v1/claims/${ids.civilHearing}/transitions`)
    .set('Authorization', worker.authHeader)
    .send({ to: 'hearing' })
    .expect(200);
  // another organization's claims never show up
  const other = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'legal_aid', { direct: true }),
    direct: true,
  });
  const ov = (
    await request(t.app)
      .post('/v1/victims')
      .set('Authorization', other.authHeader)
      .send(victimBody({ identityDocuments: [] }))
      .expect(201)
  ).body.id;
  await request(t.app)
    .post('/v1/claims')
    .set('Authorization', other.authHeader)
    .send({
      victimId: ov,
      route: 'labour',
      jurisdiction: 'PH',
      currency: 'PHP',
      filedOn: addDays(todayUtc(), -85),
      heads: [{ head: 'unpaid_wages', amount: '1.00' }],
    })
    .expect(201);
});
afterAll(async () => {
  await t.close();
});

async function list(query: string): Promise<string[]> {
  const res = await request(t.app)
    .get(`/v1/claims?${query}`)
    .set('Authorization', worker.authHeader)
    .expect(200);
  return res.body.items.map((c: { id: string }) => c.id);
}

describe('listing claims', () => {
  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(t.app)
        .get(`/v1/claims?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', worker.authHeader)
        .expect(200);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(order);
  });

  it('filters by route, status, victim and assignee', async () => {
    expect(await list('route=labour')).toEqual([ids.labourLater, ids.labourSoon]);
    expect(await list('status=hearing')).toEqual([ids.civilHearing]);
    expect(await list('route=civil&status=filed')).toEqual([ids.civilB, ids.civilA]);
    expect(await list(`victimId=${victimB}`)).toEqual([ids.civilHearing, ids.labourLater, ids.civilB]);
    expect(await list(`assigneeId=${colleague.id}`)).toEqual([ids.civilB]);
    expect(await list(`assigneeId=${worker.id}&route=criminal`)).toEqual([ids.criminalA]);
  });

  it('finds claims with a deadline due within N days', async () => {
    expect(await list('deadlineWithinDays=7')).toEqual([ids.labourSoon]);
    expect(await list('deadlineWithinDays=4')).toEqual([]);
    expect(await list('deadlineWithinDays=90')).toEqual([ids.labourLater, ids.labourSoon]);
    const res = await request(t.app)
      .get('/v1/claims?deadlineWithinDays=7')
      .set('Authorization', worker.authHeader)
      .expect(200);
    expect(res.body.items[0].deadlines).toEqual([
      expect.objectContaining({
        kind: 'decision',
        dueOn: addDays(todayUtc(), 5),
        metOn: null,
        status: 'open',
      }),
    ]);
  });
});
