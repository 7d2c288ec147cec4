import request from 'supertest';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  addDaysTo,
  claimOf,
  claimState,
  hearingRows,
  office,
  schedule,
  step,
  today,
  type Office,
} from './support';

jest.setTimeout(60_000);

let t: TestApp;
let o: Office;

beforeAll(async () => {
  t = await createTestApp();
  o = await office(t);
});
afterAll(async () => {
  await t.close();
});

const readClaim = async (id: string) =>
  (await request(t.app).get(`/v1/claims/${id}`).set('Authorization', o.worker.authHeader).expect(200)).body;

describe('a hearing’s life, without any change to the claim', () => {
  it('schedules, reschedules, adjourns to a new hearing, cancels and records an outcome', async () => {
    const claim = await claimOf(t, o);
    const before = await claimState(t, claim.id);
    const first = await request(t.app)
      .post(`/v1/claims/${claim.id}/hearings`)
      .set('Authorization', o.worker.authHeader)
      .send({
        kind: 'hearing',
        date: addDaysTo(today, 20),
        time: '09:30',
        forum: 'Central Labour Court',
        room: '4',
      })
      .expect(201);
    // Thailand's courts sit on Bangkok time: 09:30 there is 02:30 UTC.
    expect(first.body).toMatchObject({
      claimId: claim.id,
      claimReference: claim.reference,
      status: 'scheduled',
      date: addDaysTo(today, 20),
      time: '09:30',
      timeZone: 'Asia/Bangkok',
      startsAt: `${addDaysTo(today, 20)}T02:30:00.000Z`,
      forum: 'Central Labour Court',
      room: '4',
      history: [expect.objectContaining({ action: 'scheduled', by: o.worker.id })],
    });
    const id = first.body.id as string;
    expect((await readClaim(claim.id)).nextHearing).toMatchObject({
      id,
      date: addDaysTo(today, 20),
      time: '09:30',
    });

    const moved = await step(t, o, id, 'reschedule', {
      date: addDaysTo(today, 25),
      reason: 'Judge unavailable',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id,
      status: 'scheduled',
      date: addDaysTo(today, 25),
      time: null,
      room: '4',
    });
    expect(moved.body.history.map((h: { action: string }) => h.action)).toEqual(['scheduled', 'rescheduled']);
    expect(moved.body.history[1]).toMatchObject({
      reason: 'Judge unavailable',
      details: { from: addDaysTo(today, 20) },
    });

    const adjourned = await step(t, o, id, 'adjourn', {
      reason: 'Interpreter absent',
      newDate: addDaysTo(today, 40),
    });
    expect(adjourned.status).toBe(200);
    const next = adjourned.body.next as { id: string; adjournedFrom: string; status: string; forum: string };
    expect(adjourned.body).toMatchObject({ id, status: 'adjourned', adjournedTo: next.id });
    expect(next).toMatchObject({ adjournedFrom: id, status: 'scheduled', forum: 'Central Labour Court' });
    expect((await readClaim(claim.id)).nextHearing).toMatchObject({
      id: next.id,
      date: addDaysTo(today, 40),
    });

    // An adjourned hearing takes no further step, and nothing is written.
    const rows = await hearingRows(t);
    const again = await step(t, o, id, 'cancel', { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: expect.stringMatching(/\/hearing-not-scheduled$/),
      currentStatus: 'adjourned',
    });
    expect(await hearingRows(t)).toBe(rows);

    const cancelled = await step(t, o, next.id, 'cancel', { reason: 'Settled out of court' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await readClaim(claim.id)).nextHearing).toBeNull();

    // An outcome from the hearing's day on; not for one still ahead.
    const ahead = await schedule(t, o, claim.id, { date: addDaysTo(today, 3) });
    expect((await step(t, o, ahead.id, 'outcome', { outcome: 'Heard' })).status).toBe(409);
    const past = await schedule(t, o, claim.id, { kind: 'mention', date: addDaysTo(today, -2) });
    const held = await step(t, o, past.id, 'outcome', {
      outcome: 'Evidence heard',
      notes: 'Next: written submissions',
    });
    expect(held.body).toMatchObject({
      status: 'held',
      outcome: 'Evidence heard',
      outcomeNotes: 'Next: written submissions',
    });

    const listed = await request(t.app)
      .get(`/v1/claims/${claim.id}/hearings`)
      .set('Authorization', o.worker.authHeader)
      .expect(200);
    expect(listed.body.items.map((h: { id: string; status: string }) => [h.id, h.status])).toEqual([
      [past.id, 'held'],
      [ahead.id, 'scheduled'],
      [id, 'adjourned'],
      [next.id, 'cancelled'],
    ]);
    // The claim's stage and its moves are what they were: no transition was faked.
    expect(await claimState(t, claim.id)).toEqual(before);
  });

  it('refuses bad input with a problem and writes nothing', async () => {
    const claim = await claimOf(t, o);
    const h = await schedule(t, o, claim.id, { date: addDaysTo(today, 10) });
    const rows = await hearingRows(t);
    const cases: Array<[string, string, object, number, string]> = [
      [
        `/v1/claims/${claim.id}/hearings`,
        'time',
        { kind: 'hearing', date: today, time: '25:00' },
        400,
        'invalid-request',
      ],
      [
        `/v1/claims/${claim.id}/hearings`,
        'timeZone',
        { kind: 'hearing', date: today, timeZone: 'Mars/Base' },
        400,
        'invalid-request',
      ],
      [`/v1/claims/${claim.id}/hearings`, 'kind', { kind: 'party', date: today }, 400, 'invalid-request'],
      [
        `/v1/claims/${claim.id}/hearings`,
        'date',
        { kind: 'hearing', date: addDaysTo(today, -400) },
        400,
        'dates-out-of-order',
      ],
      [`/v1/hearings/${h.id}/reschedule`, 'date', { date: '2026-02-30' }, 400, 'invalid-request'],
      [`/v1/hearings/${h.id}/adjourn`, 'reason', { newDate: addDaysTo(today, 20) }, 400, 'invalid-request'],
      [
        `/v1/hearings/${h.id}/adjourn`,
        'newDate',
        { reason: 'x', newDate: addDaysTo(today, 5) },
        400,
        'dates-out-of-order',
      ],
      [`/v1/hearings/${h.id}/cancel`, 'reason', {}, 400, 'invalid-request'],
      [`/v1/hearings/${h.id}/outcome`, 'extra', { outcome: 'x', extra: 1 }, 400, 'invalid-request'],
    ];
    for (const [path, field, body, status, type] of cases) {
      const res = await request(t.app).post(path).set('Authorization', o.worker.authHeader).send(body);
      expect([field, res.status, res.type, res.body.type]).toEqual([
        field,
        status,
        'application/problem+json',
        `https://redress.example/problems/${type}`,
      ]);
    }
    expect(await hearingRows(t)).toBe(rows);
  });
});

describe('need-to-know', () => {
  it('hides another office’s hearings (404, audited as denied) and keeps the court calendar from auditors', async () => {
    const claim = await claimOf(t, o);
    const h = await schedule(t, o, claim.id, { date: addDaysTo(today, 7), forum: 'Provincial Court' });
    const other = await office(t);
    const rows = await hearingRows(t);
    for (const [method, path] of [
      ['get', `/v1/hearings/${h.id}`],
      ['post', `/v1/hearings/${h.id}/cancel`],
      ['get', `/v1/claims/${claim.id}/hearings`],
      ['post', `/v1/claims/${claim.id}/hearings`],
    ] as const) {
      const body = path.endsWith('cancel') ? { reason: 'mine now' } : { kind: 'hearing', date: today };
      const res = await request(t.app)[method](path).set('Authorization', other.worker.authHeader).send(body);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect(await hearingRows(t)).toBe(rows);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select('resource_type')
      .where('actor_id', '=', other.worker.id)
      .where('outcome', '=', 'denied')
      .where('resource_id', 'in', [h.id, claim.id])
      .execute();
    expect(denied.map((d) => d.resource_type).sort()).toEqual(['claim', 'claim', 'hearing', 'hearing']);

    const theirs = await request(t.app)
      .get('/v1/hearings')
      .query({ from: today, to: addDaysTo(today, 30) })
      .set('Authorization', other.worker.authHeader)
      .expect(200);
    expect(theirs.body.items).toEqual([]);
    const auditor = await aUser(t, { role: 'auditor', direct: true });
    await request(t.app).get('/v1/hearings').set('Authorization', auditor.authHeader).expect(403);
    await request(t.app).get(`/v1/hearings/${h.id}`).set('Authorization', auditor.authHeader).expect(403);
    const asAuditor = await request(t.app)
      .get(`/v1/claims/${claim.id}`)
      .set('Authorization', auditor.authHeader)
      .expect(200);
    expect(asAuditor.body).not.toHaveProperty('nextHearing');
  });
});

describe('the court calendar', () => {
  it('lists the hearings in reach dated within from..to, by date and time, page by page', async () => {
    const mine = await office(t);
    const a = await claimOf(t, mine);
    const b = await claimOf(t, mine);
    const base = addDaysTo(today, 100);
    const made = [
      await schedule(t, mine, a.id, { date: addDaysTo(base, 2), time: '14:00' }),
      await schedule(t, mine, b.id, { date: addDaysTo(base, 2), time: '09:00' }),
      await schedule(t, mine, a.id, { date: base }),
      await schedule(t, mine, b.id, { date: addDaysTo(base, 9) }),
    ];
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const res = await request(t.app)
        .get('/v1/hearings')
        .query({ from: base, to: addDaysTo(base, 5), limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', mine.worker.authHeader)
        .expect(200);
      pages.push(res.body.items.map((h: { id: string }) => h.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.flat()).toEqual([made[2]!.id, made[1]!.id, made[0]!.id]);
    const bad = await request(t.app)
      .get('/v1/hearings')
      .query({ from: base, to: addDaysTo(base, -1) })
      .set('Authorization', mine.worker.authHeader);
    expect(bad.status).toBe(400);
  });
});
