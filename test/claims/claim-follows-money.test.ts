import request from 'supertest';
import { todayUtc } from '../../src/lib/dates';
import { scanDeadlines } from '../../src/notifications/deadline-reminders';
import type { TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  bankBody,
  get,
  makeWorld,
  newVictim,
  post,
  receipt,
  stateFundClaim,
  type World,
} from '../disbursements/support';

/**
 * Claim states follow the money (issue #10, item 4): a fully paid award moves the claim to its
 * paid state by the system, and back when a void undoes it; money held in trust is not "paid".
 * Deadlines already past when recorded raise no overdue alarm (item 11).
 */
let t: TestApp;
let w: World;
const today = todayUtc();

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '100000.00', source: 'state_appropriation' });
});
afterAll(async () => {
  await t.close();
});

const move = async (claimId: string, to: string, by: TestUser, extra: Record<string, unknown> = {}) => {
  const res = await post(t, `/v1/claims/${claimId}/transitions`, by, { to, ...extra }, null);
  expect([to, res.status, res.body.detail]).toEqual([to, 200, undefined]);
  return res.body;
};
const award = (amount: string) => ({ award: { heads: [{ head: 'medical_expenses', amount }] } });
const claimOf = async (id: string) => (await get(t, `/v1/claims/${id}`, w.worker).expect(200)).body;
const disburse = async (body: Record<string, unknown>) => {
  const made = await post(t, '/v1/disbursements', w.maker, body);
  expect([made.status, made.body.detail]).toEqual([201, undefined]);
  await post(t, `/v1/disbursements/${made.body.id}/approve`, w.checker, {}).expect(200);
  await post(t, `/v1/disbursements/${made.body.id}/paid`, w.checker, { paidOn: today }).expect(200);
};

async function decidedStateFundClaim(victimId: string, amount: string): Promise<string> {
  const id = await stateFundClaim(t, w.worker, victimId, w.fundId);
  await move(id, 'eligibility_review', w.maker);
  await move(id, 'decided', w.maker, award(amount));
  return id;
}

async function civilJudgment(amount: string, judgedOn: string): Promise<string> {
  const res = await post(
    t,
    '/v1/claims',
    w.worker,
    {
      victimId: w.victimId,
      route: 'civil',
      jurisdiction: 'TH',
      currency: 'THB',
      heads: [{ head: 'medical_expenses', amount }],
      filedOn: '2025-06-01',
    },
    null,
  ).expect(201);
  const id = res.body.id as string;
  await move(id, 'hearing', w.worker, { occurredOn: '2025-06-10' });
  await move(id, 'judgment', w.worker, { occurredOn: judgedOn, ...award(amount) });
  return id;
}

describe('a claim follows its money', () => {
  it('moves a State-fund claim to paid by itself once disbursements pay the whole award, partly paid before', async () => {
    const id = await decidedStateFundClaim(w.victimId, '5000.00');
    const award = { claimId: id, purpose: 'compensation_award' };
    await disburse(bankBody(w, { ...award, amount: '2000.00' }));
    expect(await claimOf(id)).toMatchObject({ status: 'decided', paymentState: 'partly_paid' });
    await disburse(bankBody(w, { ...award, amount: '3000.00' }));
    const claim = await claimOf(id);
    expect(claim).toMatchObject({ status: 'paid', paymentState: 'paid', allowedTransitions: ['closed'] });
    expect(claim.history.at(-1)).toMatchObject({
      from: 'decided',
      to: 'paid',
      by: 'system',
      occurredOn: today,
    });
  });

  it('pays at the decision an award that an advance already covers', async () => {
    const victim = await newVictim(t, w.worker);
    const id = await stateFundClaim(t, w.worker, victim.id, w.fundId);
    await disburse(
      bankBody(w, { victimId: victim.id, claimId: id, purpose: 'interim_assistance', amount: '1500.00' }),
    );
    await move(id, 'eligibility_review', w.maker);
    const decided = await move(id, 'decided', w.maker, award('1500.00'));
    expect(decided).toMatchObject({ status: 'paid', paymentState: 'paid' });
    expect(decided.history.slice(-2)).toMatchObject([
      { to: 'decided', by: w.maker.id },
      { from: 'decided', to: 'paid', by: 'system' },
    ]);
  });

  it("shows a child's award held in trust as held in trust, not as paid to the family", async () => {
    const child = await post(
      t,
      '/v1/victims',
      w.worker,
      {
        fullName: 'Child B',
        preferredLanguage: 'th',
        isChild: true,
        guardian: { name: 'Guardian B', relationship: 'mother' },
        consent: { shareWithFundAgency: true, contactByEmail: false },
      },
      null,
    ).expect(201);
    const id = await decidedStateFundClaim(child.body.id, '4000.00');
    await disburse({
      fundId: w.fundId,
      victimId: child.body.id,
      claimId: id,
      purpose: 'compensation_award',
      amount: '4000.00',
      currency: 'THB',
      rationale: 'Award to a child: held until majority',
      channel: 'cash',
      holdInTrust: true,
    });
    const claim = await claimOf(id);
    expect(claim.totals).toMatchObject({ awarded: '4000.00', received: '4000.00', heldInTrust: '4000.00' });
    expect(claim.heads[0]).toMatchObject({ heldInTrust: '4000.00', paymentState: 'held_in_trust' });
    expect(claim.paymentState).toBe('held_in_trust');
    // Settled by the fund, so the claim's route is done; what reached the family is told apart above.
    expect(claim.status).toBe('paid');
  });

  it('moves a paid claim back, by the system and with its old start date, when a void makes it unpaid again', async () => {
    const id = await civilJudgment('8000.00', today);
    const first = await post(t, `/v1/claims/${id}/payments-received`, w.worker, {
      head: 'medical_expenses',
      amount: '8000.00',
      receivedOn: today,
      payer: 'perpetrator',
      paidTo: 'victim',
    }).expect(201);
    expect(first.body.claim).toMatchObject({ status: 'paid', paymentState: 'paid' });
    expect(first.body.claim.history.at(-1)).toMatchObject({ from: 'judgment', to: 'paid', by: 'system' });
    const voided = await post(t, `/v1/claims/${id}/payments-received/${first.body.id}/void`, w.worker, {
      reason: 'The bank returned the transfer',
    }).expect(200);
    expect(voided.body.claim).toMatchObject({
      status: 'judgment',
      statusSince: today,
      paymentState: 'unpaid',
      totals: { received: '0.00', outstanding: '8000.00' },
    });
    expect(voided.body.claim.history.at(-1)).toMatchObject({ from: 'paid', to: 'judgment', by: 'system' });
    expect(voided.body.claim.allowedTransitions).toContain('enforcement');
  });
});

describe('deadlines already past when recorded', () => {
  const remindersOf = async (claimId: string) =>
    (
      await t.ctx.db
        .selectFrom('deadline_reminders')
        .select(['kind', 'offset_days'])
        .where('claim_id', '=', claimId)
        .execute()
    ).map((r) => [r.kind, r.offset_days]);

  it('marks a back-dated judgment’s appeal window as past when recorded and sends no overdue notice for it', async () => {
    const backDated = await civilJudgment('1000.00', '2025-07-01');
    const running = await civilJudgment('1000.00', today);
    const appeal = (c: any) => c.deadlines.find((d: any) => d.kind === 'appeal');
    const past = appeal(await claimOf(backDated));
    expect(past).toMatchObject({ status: 'overdue', recordedOn: today, pastWhenRecorded: true });
    const open = appeal(await claimOf(running));
    expect(open).toMatchObject({ status: 'open', recordedOn: today, pastWhenRecorded: false });

    // The day after the running window closes, only that one is overdue.
    const dayAfter = new Date(Date.parse(`${open.dueOn}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await scanDeadlines(t.ctx.db, dayAfter);
    expect(await remindersOf(running)).toContainEqual(['appeal', -1]);
    expect(await remindersOf(backDated)).toEqual([]);
  });

  it('keeps the day a deadline was first recorded when an unrelated change recomputes it', async () => {
    const id = await civilJudgment('1000.00', '2025-07-01');
    await t.ctx.db
      .updateTable('claim_deadlines')
      .set({ recorded_on: '2025-07-01' })
      .where('claim_id', '=', id)
      .where('kind', '=', 'appeal')
      .execute();
    // Recording a payment recomputes nothing about the appeal window, so it keeps its day.
    await post(t, `/v1/claims/${id}/payments-received`, w.worker, {
      head: 'medical_expenses',
      amount: '10.00',
      receivedOn: today,
      payer: 'perpetrator',
      paidTo: 'victim',
    }).expect(201);
    const victimUpdate = await request(t.app)
      .patch(`/v1/victims/${w.victimId}`)
      .set('Authorization', w.worker.authHeader)
      .send({ dateOfBirth: '1996-08-03' });
    expect(victimUpdate.status).toBe(200);
    const appeal = (await claimOf(id)).deadlines.find((d: any) => d.kind === 'appeal');
    expect(appeal).toMatchObject({ recordedOn: '2025-07-01', pastWhenRecorded: false, status: 'overdue' });
  });
});
