import ICAL from 'ical.js';
import request from 'supertest';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { addDaysTo, claimOf, office, schedule, step, today, type Office } from './support';

jest.setTimeout(60_000);

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function newFeed(o: Office): Promise<{ url: string; path: string }> {
  const res = await request(t.app)
    .post('/v1/me/calendar-feed')
    .set('Authorization', o.worker.authHeader)
    .expect(201);
  return { url: res.body.url, path: new URL(res.body.url).pathname };
}

/** The feed parsed by a maintained iCalendar library: each event's fields. */
function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((e) => {
    const event = new ICAL.Event(e);
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      start: event.startDate.toString(),
      allDay: event.startDate.isDate,
      status: e.getFirstPropertyValue('status'),
    };
  });
}

describe('the private calendar feed', () => {
  it('is iCalendar with claim reference and forum only, lists the owner’s reach, and stops at rotation or revocation', async () => {
    const o = await office(t);
    const claim = await claimOf(t, o);
    const timed = await schedule(t, o, claim.id, {
      date: addDaysTo(today, 12),
      time: '13:15',
      forum: 'Central Labour Court',
      room: '7',
      note: 'Somchai Kaewkla to bring payslips',
    });
    const allDay = await schedule(t, o, claim.id, { kind: 'trial', date: addDaysTo(today, 30) });
    const gone = await schedule(t, o, claim.id, { date: addDaysTo(today, 20) });
    await step(t, o, gone.id, 'cancel', { reason: 'Employer paid' }).expect(200);

    const feed = await newFeed(o);
    expect(feed.url).toMatch(/^http.*\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const res = await request(t.app).get(feed.path).expect(200);
    expect(res.type).toBe('text/calendar');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    // no name (nor any part of one), no case notes, no victim reference
    expect(res.text).not.toMatch(/Somchai|Kaewkla|payslips|Employer paid|Harbour/);

    const events = eventsOf(res.text);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    expect(events).toHaveLength(3);
    expect(byUid.get(`${timed.id}@redress`)).toEqual({
      uid: `${timed.id}@redress`,
      summary: `${claim.reference} · Central Labour Court, 7`,
      location: 'Central Labour Court, 7',
      // 13:15 in Bangkok
      start: `${addDaysTo(today, 12)}T06:15:00Z`,
      allDay: false,
      status: 'CONFIRMED',
    });
    expect(byUid.get(`${allDay.id}@redress`)).toMatchObject({
      summary: claim.reference,
      start: addDaysTo(today, 30),
      allDay: true,
    });
    expect(byUid.get(`${gone.id}@redress`)).toMatchObject({ status: 'CANCELLED' });

    // Another office's feed never lists this claim.
    const other = await office(t);
    await schedule(t, other, (await claimOf(t, other)).id, { date: addDaysTo(today, 12) });
    const theirs = await request(t.app)
      .get((await newFeed(other)).path)
      .expect(200);
    expect(theirs.text).not.toContain(claim.reference);
    expect(eventsOf(theirs.text)).toHaveLength(1);

    // A new URL replaces the old one, and revoking it ends it: 404 as for any unknown token.
    const rotated = await newFeed(o);
    await request(t.app).get(feed.path).expect(404);
    await request(t.app).get(rotated.path).expect(200);
    const status = await request(t.app)
      .get('/v1/me/calendar-feed')
      .set('Authorization', o.worker.authHeader)
      .expect(200);
    expect(status.body).toMatchObject({ active: true });
    await request(t.app).delete('/v1/me/calendar-feed').set('Authorization', o.worker.authHeader).expect(204);
    const revoked = await request(t.app).get(rotated.path).expect(404);
    expect(revoked.type).toBe('application/problem+json');
    expect(revoked.text).not.toContain(claim.reference);
    const after = await request(t.app)
      .get('/v1/me/calendar-feed')
      .set('Authorization', o.worker.authHeader)
      .expect(200);
    expect(after.body).toEqual({ active: false, createdAt: null });

    // Only a hash is stored: the token itself is nowhere in the table.
    const stored = await t.ctx.db.selectFrom('calendar_feeds').select('token_hash').execute();
    const token = rotated.path.slice('/calendar/'.length, -'.ics'.length);
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
  });

  it('ends with its owner’s account, and is not for auditors', async () => {
    const o = await office(t);
    const feed = await newFeed(o);
    await request(t.app).get(feed.path).expect(200);
    await t.ctx.db.updateTable('users').set({ active: false }).where('id', '=', o.worker.id).execute();
    await request(t.app).get(feed.path).expect(404);
    const auditor = await aUser(t, { role: 'auditor', direct: true });
    await request(t.app).post('/v1/me/calendar-feed').set('Authorization', auditor.authHeader).expect(403);
  });
});
