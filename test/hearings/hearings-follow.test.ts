import request from 'supertest';
import * as hearingRecords from '../../db/migrations/2026_12_03_200000_hearing_records';
import { scanUpcoming } from '../../src/notifications/upcoming-reminders';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { issueCode, newVictim } from '../status/support';
import { addDaysTo, claimOf, office, schedule, step, today, type Office } from './support';

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

async function remindersOf(claimId: string) {
  const rows = await t.ctx.db
    .selectFrom('deadline_reminders')
    .select(['due_on', 'offset_days'])
    .where('claim_id', '=', claimId)
    .where('kind', '=', 'hearing')
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.due_on}/${r.offset_days}`);
}

const move = (claimId: string, body: object) =>
  request(t.app)
    .post(`/v1/claims/${claimId}/transitions`)
    .set('Authorization', o.worker.authHeader)
    .send(body)
    .expect(200);

describe('hearing reminders follow the hearing records', () => {
  it('reminds on the new date of a rescheduled or adjourned hearing, never on the old one nor for a cancelled one', async () => {
    const claim = await claimOf(t, o);
    const first = addDaysTo(today, 20);
    const moved = addDaysTo(today, 30);
    const h = await schedule(t, o, claim.id, { date: first });
    await step(t, o, h.id, 'reschedule', { date: moved }).expect(200);

    await scanUpcoming(t.ctx.db, addDaysTo(first, -7));
    await scanUpcoming(t.ctx.db, addDaysTo(first, -1));
    expect(await remindersOf(claim.id)).toEqual([]);
    await scanUpcoming(t.ctx.db, addDaysTo(moved, -7));
    expect(await remindersOf(claim.id)).toEqual([`${moved}/7`]);

    const adjournedTo = addDaysTo(today, 45);
    await step(t, o, h.id, 'adjourn', { reason: 'Court did not sit', newDate: adjournedTo }).expect(200);
    await scanUpcoming(t.ctx.db, addDaysTo(moved, -1));
    expect(await remindersOf(claim.id)).toEqual([`${moved}/7`]);
    await scanUpcoming(t.ctx.db, addDaysTo(adjournedTo, -7));
    expect(await remindersOf(claim.id)).toEqual([`${moved}/7`, `${adjournedTo}/7`]);

    const next = (
      await request(t.app).get(`/v1/claims/${claim.id}`).set('Authorization', o.worker.authHeader)
    ).body.nextHearing as { id: string };
    await step(t, o, next.id, 'cancel', { reason: 'Withdrawn by the employer' }).expect(200);
    await scanUpcoming(t.ctx.db, addDaysTo(adjournedTo, -1));
    expect(await remindersOf(claim.id)).toEqual([`${moved}/7`, `${adjournedTo}/7`]);
  });
});

describe('the victim’s status page', () => {
  it('shows the next hearing date from the hearing records', async () => {
    const v = await newVictim(t, o.worker, 'en');
    const { accessCode } = await issueCode(t, o.worker, v.id);
    const res = await request(t.app)
      .post('/v1/claims')
      .set('Authorization', o.worker.authHeader)
      .send({
        victimId: v.id,
        route: 'labour',
        jurisdiction: 'TH',
        currency: 'THB',
        filedOn: addDaysTo(today, -5),
        heads: [{ head: 'unpaid_wages', amount: '1000.00' }],
      })
      .expect(201);
    const status = async () =>
      (await request(t.app).post('/v1/status').send({ reference: v.reference, accessCode }).expect(200)).body;
    expect((await status()).summary.nextHearingOn).toBeNull();

    const h = await schedule(t, o, res.body.id, { date: addDaysTo(today, 15) });
    await schedule(t, o, res.body.id, { date: addDaysTo(today, 60) });
    expect((await status()).summary.nextHearingOn).toBe(addDaysTo(today, 15));
    await step(t, o, h.id, 'reschedule', { date: addDaysTo(today, 18) }).expect(200);
    const after = await status();
    expect(after.summary.nextHearingOn).toBe(addDaysTo(today, 18));
    expect(after.claims[0].nextHearingOn).toBe(addDaysTo(today, 18));
    await step(t, o, h.id, 'cancel', { reason: 'Moved to mediation' }).expect(200);
    expect((await status()).summary.nextHearingOn).toBe(addDaysTo(today, 60));
  });
});

describe('hearing dates carried by claim moves', () => {
  it('become hearing records, at the move and by the migration alike; a stage left before its date cancels them', async () => {
    const ahead = await claimOf(t, o);
    await move(ahead.id, { to: 'hearing', hearingOn: addDaysTo(today, 20) });
    const settled = await claimOf(t, o);
    await move(settled.id, { to: 'hearing', hearingOn: addDaysTo(today, 20) });
    await move(settled.id, {
      to: 'settlement',
      award: { heads: [{ head: 'unpaid_wages', amount: '800.00' }] },
    });
    const sat = await claimOf(t, o);
    await move(sat.id, { to: 'hearing', occurredOn: addDaysTo(today, -10), hearingOn: addDaysTo(today, -5) });
    await move(sat.id, { to: 'award', award: { heads: [{ head: 'unpaid_wages', amount: '900.00' }] } });
    const ids = [ahead.id, settled.id, sat.id];

    const records = async () => {
      const rows = await t.ctx.db
        .selectFrom('hearings as h')
        .leftJoin('hearing_events as e', (j) =>
          j.onRef('e.hearing_id', '=', 'h.id').on('e.by_system', '=', true),
        )
        .select(['h.claim_id', 'h.kind', 'h.scheduled_on', 'h.status', 'h.stage', 'h.time_zone', 'e.reason'])
        .where('h.claim_id', 'in', ids)
        .execute();
      return ids.map((id) => rows.filter((r) => r.claim_id === id).map(({ claim_id: _, ...r }) => r));
    };
    const atTheMove = await records();
    expect(atTheMove).toEqual([
      [
        {
          kind: 'hearing',
          scheduled_on: addDaysTo(today, 20),
          status: 'scheduled',
          stage: 'hearing',
          time_zone: 'Asia/Bangkok',
          reason: null,
        },
      ],
      [
        {
          kind: 'hearing',
          scheduled_on: addDaysTo(today, 20),
          status: 'cancelled',
          stage: 'hearing',
          time_zone: 'Asia/Bangkok',
          reason: `The claim moved from hearing to settlement on ${today}, before the hearing.`,
        },
      ],
      // held or not, nobody said: it stays scheduled, in the past, until its outcome is recorded
      [
        {
          kind: 'hearing',
          scheduled_on: addDaysTo(today, -5),
          status: 'scheduled',
          stage: 'hearing',
          time_zone: 'Asia/Bangkok',
          reason: null,
        },
      ],
    ]);

    // The upgrade, from the moves alone: the migration undone and done again.
    await hearingRecords.down(t.ctx.db);
    await hearingRecords.up(t.ctx.db);
    expect(await records()).toEqual(atTheMove);
  });
});
