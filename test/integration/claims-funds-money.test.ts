import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations } from '../ledger/helpers';
import { fundLabel } from '../../src/ledger/ledger-export';
import {
  bankBody,
  footprint,
  get,
  makeWorld,
  newVictim,
  post,
  receipt,
  stateFundClaim,
  type World,
} from '../disbursements/support';

/**
 * Where claims, funds and disbursements meet, end to end over HTTP. One fund (THB, a "medical"
 * restriction); every expected figure is worked out by hand in the comments.
 */
let t: TestApp;
let w: World;
const today = new Date().toISOString().slice(0, 10);
const hex = (id: string) => id.replace(/-/g, '');

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
});
afterAll(async () => {
  await t.close();
});

const move = async (claimId: string, to: string, by: TestUser, extra: Record<string, unknown> = {}) => {
  const res = await request(t.app)
    .post(`/v1/claims/${claimId}/transitions`)
    .set('Authorization', by.authHeader)
    .send({ to, ...extra });
  expect([to, res.status, res.body.detail]).toEqual([to, 200, undefined]);
  return res.body;
};
const award = (amount: string) => ({ award: { heads: [{ head: 'medical_expenses', amount }] } });
const balances = async () => (await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200)).body;
const pot = (b: any, code: string) => b.pots.find((p: any) => p.code === code);
const pay = async (body: Record<string, unknown>) => {
  const made = await post(t, '/v1/disbursements', w.maker, bankBody(w, body));
  expect([made.status, made.body.detail]).toEqual([201, undefined]);
  const id = made.body.id as string;
  await post(t, `/v1/disbursements/${id}/approve`, w.maker, {}).expect(403);
  await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
  return id;
};
const paid = (id: string) =>
  post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: today }).expect(200);

describe('a State-fund award: committed, paid with maker-checker, and tied out everywhere', () => {
  const awardPot = () => `award_${hex(w.claimId)}`;

  it('commits the decided award: it leaves the available money and shows as committed', async () => {
    await receipt(t, w, { amount: '10000.00', source: 'donation', pot: 'medical', donor: 'Health trust' });
    await receipt(t, w, { amount: '25000.50', source: 'fine' });
    await move(w.claimId, 'eligibility_review', w.maker);
    const decided = await move(w.claimId, 'decided', w.maker, award('20000.00'));
    expect(decided.totals).toMatchObject({ awarded: '20000.00', received: '0.00' });

    // The medical pot may not pay awards, so the 20,000.00 comes out of unrestricted:
    // 25,000.50 − 20,000.00 = 5,000.50. The total is unchanged (35,000.50) but only
    // 10,000.00 + 5,000.50 = 15,000.50 is free for anything else.
    const b = await balances();
    expect(b).toMatchObject({
      total: '35000.50',
      bankAndCash: '35000.50',
      committed: '20000.00',
      pending: '0.00',
      available: '15000.50',
    });
    expect(pot(b, 'unrestricted')).toMatchObject({ posted: '5000.50', available: '5000.50' });
    expect(pot(b, awardPot())).toMatchObject({ kind: 'committed', posted: '20000.00' });
    expect(pot(b, 'medical')).toMatchObject({ posted: '10000.00' });
  });

  it('adjusts the commitment when a review changes the award', async () => {
    await move(w.claimId, 'review', w.worker);
    await move(w.claimId, 'decided', w.maker, award('18000.00'));
    // 2,000.00 goes back where it came from: unrestricted 5,000.50 + 2,000.00 = 7,000.50.
    const b = await balances();
    expect(b).toMatchObject({ total: '35000.50', committed: '18000.00', available: '17000.50' });
    expect(pot(b, 'unrestricted')).toMatchObject({ posted: '7000.50' });
    expect(pot(b, awardPot())).toMatchObject({ posted: '18000.00' });
  });

  it('refuses to commit more than the fund has, and writes nothing', async () => {
    await move(w.claimId, 'review', w.worker);
    // 18,000.00 committed; 50,000.00 needs 32,000.00 more, and unrestricted has 7,000.50.
    const before = await footprint(t);
    const res = await request(t.app)
      .post(`/v1/claims/${w.claimId}/transitions`)
      .set('Authorization', w.maker.authHeader)
      .send({ to: 'decided', ...award('50000.00') })
      .expect(409);
    expect(res.body.detail).toContain('Insufficient funds to commit the award');
    expect(await footprint(t)).toEqual(before);
    const claim = (
      await request(t.app)
        .get(`/v1/claims/${w.claimId}`)
        .set('Authorization', w.worker.authHeader)
        .expect(200)
    ).body;
    expect([claim.status, claim.totals.awarded]).toEqual(['review', '18000.00']);
    await move(w.claimId, 'decided', w.maker, award('18000.00'));
    expect((await balances()).committed).toBe('18000.00');
  });

  it('pays a medical invoice and the award, each approved by a second administrator', async () => {
    const medical = await pay({ claimId: w.claimId, amount: '3250.25' });
    await paid(medical);
    const awardPayment = await pay({
      claimId: w.claimId,
      purpose: 'compensation_award',
      amount: '18000.00',
      rationale: 'State-fund award, decision after review',
    });
    const approved = await get(t, `/v1/disbursements/${awardPayment}`, w.auditor).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', pot: awardPot() });
    // Approved, not yet paid: held in the committed pot. 35,000.50 − 3,250.25 = 31,750.25.
    expect(await balances()).toMatchObject({
      total: '31750.25',
      pending: '18000.00',
      committed: '18000.00',
      available: '13750.25', // medical 6,749.75 + unrestricted 7,000.50
    });
    await paid(awardPayment);
  });

  it('agrees to the minor unit: balances, statement, trial balance and the compensation summary', async () => {
    // 31,750.25 − 18,000.00 = 13,750.25 = medical 6,749.75 + unrestricted 7,000.50; nothing committed.
    const b = await balances();
    expect(b).toMatchObject({
      total: '13750.25',
      bankAndCash: '13750.25',
      pending: '0.00',
      committed: '0.00',
      available: '13750.25',
    });
    expect(pot(b, 'medical')).toMatchObject({ posted: '6749.75' });
    expect(pot(b, 'unrestricted')).toMatchObject({ posted: '7000.50' });
    expect(pot(b, awardPot())).toMatchObject({ posted: '0.00', pending: '0.00' });

    const st = (
      await get(t, `/v1/funds/${w.fundId}/statement?from=${today}&to=${today}`, w.auditor).expect(200)
    ).body;
    // 0 + 35,000.50 − (3,250.25 + 18,000.00) = 13,750.25; commitments are transfers, not adjustments.
    expect(st).toMatchObject({
      opening: '0.00',
      totalReceipts: '35000.50',
      totalDisbursements: '21250.25',
      adjustments: '0.00',
      closing: '13750.25',
    });
    expect(st.receiptsBySource).toMatchObject({ donation: '10000.00', fine: '25000.50' });
    expect(st.disbursementsByPurpose).toMatchObject({ medical: '3250.25', compensation_award: '18000.00' });

    const tb = (await get(t, `/v1/ledger/trial-balance?fundId=${w.fundId}`, w.auditor).expect(200)).body;
    // debits: bank 13,750.25 + expense:medical 3,250.25 + expense:award 18,000.00 + allocated 13,750.25
    //       = 48,750.75; credits: donation 10,000.00 + fine 25,000.50 + pots 13,750.25 = 48,750.75
    expect(tb.currencies.THB).toEqual({ debits: '48750.75', credits: '48750.75', balanced: true });

    const comp = (
      await request(t.app)
        .get(`/v1/victims/${w.victimId}/compensation`)
        .set('Authorization', w.worker.authHeader)
        .expect(200)
    ).body;
    // Claimed 50,000.00; awarded 18,000.00; received 18,000.00 (the award payment only; the
    // medical invoice was assistance, not the award).
    expect(comp.currencies.THB).toMatchObject({
      claimed: '50000.00',
      awarded: '18000.00',
      received: '18000.00',
      outstanding: '0.00',
    });
    // Fully paid, so the claim moved to paid by itself.
    const claim = (
      await request(t.app)
        .get(`/v1/claims/${w.claimId}`)
        .set('Authorization', w.worker.authHeader)
        .expect(200)
    ).body;
    expect([claim.status, claim.paymentState, claim.history.at(-1).by]).toEqual(['paid', 'paid', 'system']);
    expect(await bookViolations(t)).toEqual([]);
  });
});

describe('money paid into the fund on a claim', () => {
  it("posts the fund's recovery and the victim's trust money as receipts, and the books balance", async () => {
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/subrogation-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({ policy: 'fund_first' })
      .expect(200);
    const civil = (
      await request(t.app)
        .post('/v1/claims')
        .set('Authorization', w.worker.authHeader)
        .send({
          victimId: w.victimId,
          route: 'civil',
          jurisdiction: 'TH',
          currency: 'THB',
          heads: [{ head: 'medical_expenses', amount: '30000.00' }],
        })
        .expect(201)
    ).body.id as string;
    await move(civil, 'hearing', w.worker);
    await move(civil, 'judgment', w.worker, award('30000.00'));
    const res = await request(t.app)
      .post(`/v1/claims/${civil}/payments-received`)
      .set('Authorization', w.worker.authHeader)
      .set('Idempotency-Key', `pay-${civil}`)
      .send({
        head: 'medical_expenses',
        amount: '25000.00',
        receivedOn: today,
        payer: 'perpetrator',
        paidTo: 'fund',
      })
      .expect(201);
    // Fund first: the fund paid 18,000.00 for medical costs, so min(18,000.00, 25,000.00) =
    // 18,000.00 is its recovery; the other 7,000.00 is held in trust for the victim.
    expect(res.body).toMatchObject({ fundId: w.fundId, recovery: '18000.00', heldInTrust: '7000.00' });
    const rows = await t.ctx.db
      .selectFrom('fund_receipts')
      .select(['id', 'pot_code', 'amount', 'source'])
      .where('id', 'in', [res.body.recoveryReceiptId, res.body.trustReceiptId])
      .orderBy('amount', 'desc')
      .execute();
    expect(rows.map((r) => [r.pot_code, r.amount, r.source])).toEqual([
      ['unrestricted', '1800000', 'recovery'],
      [`trust_${hex(w.victimId)}`, '700000', 'recovery'],
    ]);
    const payment = await t.ctx.db
      .selectFrom('payments_received')
      .select(['fund_receipt_id', 'trust_receipt_id'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(payment).toEqual({
      fund_receipt_id: res.body.recoveryReceiptId,
      trust_receipt_id: res.body.trustReceiptId,
    });

    // 13,750.25 + 25,000.00 = 38,750.25; unrestricted 7,000.50 + 18,000.00 = 25,000.50.
    const b = await balances();
    expect(b).toMatchObject({ total: '38750.25', bankAndCash: '38750.25', heldInTrust: '7000.00' });
    expect(b.available).toBe('31750.25'); // 38,750.25 − 7,000.00 held in trust
    expect(pot(b, 'unrestricted')).toMatchObject({ posted: '25000.50' });
    expect(pot(b, `trust_${hex(w.victimId)}`)).toMatchObject({ kind: 'trust', posted: '7000.00' });
    const tb = (await get(t, `/v1/ledger/trial-balance?fundId=${w.fundId}`, w.auditor).expect(200)).body;
    expect(tb.currencies.THB.balanced).toBe(true);
    expect(await bookViolations(t)).toEqual([]);
  });
});

describe("a child's award held in trust", () => {
  let childId: string;
  let claimId: string;

  it('moves the award into the trust pot and settles it on the claim, with no money leaving', async () => {
    childId = (
      await request(t.app)
        .post('/v1/victims')
        .set('Authorization', w.worker.authHeader)
        .send({
          fullName: 'Child A',
          preferredLanguage: 'th',
          isChild: true,
          guardian: { name: 'Guardian A', relationship: 'aunt' },
          consent: { shareWithFundAgency: true, contactByEmail: false },
        })
        .expect(201)
    ).body.id as string;
    claimId = await stateFundClaim(t, w.worker, childId, w.fundId);
    await move(claimId, 'eligibility_review', w.maker);
    await move(claimId, 'decided', w.maker, award('5000.00'));
    // An adult's award cannot be put in trust.
    await post(
      t,
      '/v1/disbursements',
      w.maker,
      bankBody(w, { claimId: w.claimId, purpose: 'compensation_award', holdInTrust: true }),
    ).expect(400);
    const id = (
      await post(t, '/v1/disbursements', w.maker, {
        fundId: w.fundId,
        victimId: childId,
        claimId,
        purpose: 'compensation_award',
        amount: '5000.00',
        currency: 'THB',
        rationale: 'Award to a child: held until majority',
        channel: 'cash',
        holdInTrust: true,
      }).expect(201)
    ).body.id as string;
    await post(t, `/v1/disbursements/${id}/approve`, w.maker, {}).expect(403);
    await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    await paid(id);
    // 25,000.50 − 5,000.00 committed = 20,000.50 unrestricted; the 5,000.00 is now in trust.
    const b = await balances();
    expect(b).toMatchObject({ total: '38750.25', bankAndCash: '38750.25', committed: '0.00' });
    expect(b.heldInTrust).toBe('12000.00'); // 7,000.00 + 5,000.00
    expect(pot(b, `trust_${hex(childId)}`)).toMatchObject({ posted: '5000.00' });
    expect(pot(b, 'unrestricted')).toMatchObject({ posted: '20000.50' });
    const claim = (
      await request(t.app).get(`/v1/claims/${claimId}`).set('Authorization', w.worker.authHeader).expect(200)
    ).body;
    expect(claim.totals).toMatchObject({ awarded: '5000.00', received: '5000.00' });
  });

  it("releases trust money to the child only, with maker-checker, and never another victim's", async () => {
    const release = {
      fundId: w.fundId,
      victimId: childId,
      purpose: 'education',
      amount: '1200.00',
      currency: 'THB',
      rationale: 'School fees, first term',
      channel: 'cash',
    };
    const other = await post(t, '/v1/disbursements', w.maker, {
      ...release,
      pot: `trust_${hex(w.victimId)}`,
    }).expect(400);
    expect(other.body.errors[0].message).toContain('another victim');
    const id = (
      await post(t, '/v1/disbursements', w.maker, { ...release, pot: `trust_${hex(childId)}` }).expect(201)
    ).body.id as string;
    await post(t, `/v1/disbursements/${id}/approve`, w.maker, {}).expect(403);
    const ok = await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    expect(ok.body.pot).toBe(`trust_${hex(childId)}`);
    await paid(id);
    // trust 5,000.00 − 1,200.00 = 3,800.00; bank 38,750.25 − 1,200.00 = 37,550.25.
    const b = await balances();
    expect(pot(b, `trust_${hex(childId)}`)).toMatchObject({ posted: '3800.00' });
    expect(b).toMatchObject({ total: '37550.25', bankAndCash: '37550.25', heldInTrust: '10800.00' });
    // Trust money never moves to another pot by hand.
    await post(t, `/v1/funds/${w.fundId}/pot-transfers`, w.maker, {
      from: `trust_${hex(childId)}`,
      to: 'unrestricted',
      amount: '1.00',
      currency: 'THB',
      reason: 'test',
    }).expect(400);
    expect(await bookViolations(t)).toEqual([]);
  });
});

describe('a THB award paid in PHP to a victim who went home', () => {
  let w2: World;
  let entryId: string;

  it('converts at the recorded rate, settles the award in THB and balances per currency', async () => {
    w2 = await makeWorld(t, { currencies: ['PHP'] });
    const r = (body: Record<string, unknown>) =>
      post(t, `/v1/funds/${w2.fundId}/receipts`, w2.maker, { receivedOn: today, ...body }).expect(201);
    await r({ source: 'fine', amount: '50000.00', currency: 'THB' });
    await r({ source: 'donation', amount: '30000.00', currency: 'PHP' });
    for (const [to, extra] of [
      ['eligibility_review', {}],
      ['decided', award('10000.00')],
    ] as const) {
      const res = await request(t.app)
        .post(`/v1/claims/${w2.claimId}/transitions`)
        .set('Authorization', w2.maker.authHeader)
        .send({ to, ...extra });
      expect([res.status, res.body.detail]).toEqual([200, undefined]);
    }
    const body = {
      fundId: w2.fundId,
      victimId: w2.victimId,
      claimId: w2.claimId,
      purpose: 'compensation_award',
      amount: '10000.00',
      currency: 'THB',
      rationale: 'State-fund award; the victim has returned to the Philippines',
      channel: 'partner_organization',
      payee: { organizationName: 'Partner NGO Manila', country: 'PH' },
      payout: {
        currency: 'PHP',
        rate: '1.6125',
        rateSource: 'Bangko Sentral ng Pilipinas reference rate',
        rateDate: today,
        fees: '150.00',
      },
    };
    // The payout currency must differ from the award's (one the fund does not hold is converted
    // by the bank at payout: test/funds/fx-settlement.test.ts).
    await post(t, '/v1/disbursements', w2.maker, {
      ...body,
      payout: { ...body.payout, currency: 'THB' },
    }).expect(400);
    const requested = await post(t, '/v1/disbursements', w2.maker, body).expect(201);
    // 10,000.00 THB × 1.6125 = 16,125.00 PHP to the payee; 150.00 PHP fees on top = 16,275.00.
    expect(requested.body.payout).toEqual({
      currency: 'PHP',
      amount: '16125.00',
      convertedBy: 'fund',
      fees: '150.00',
      feesCurrency: 'PHP',
      total: '16275.00',
      totalCurrency: 'PHP',
      rate: '1.6125',
      rateSource: 'Bangko Sentral ng Pilipinas reference rate',
      rateDate: today,
    });
    const id = requested.body.id as string;
    await post(t, `/v1/disbursements/${id}/approve`, w2.maker, {}).expect(403);
    await post(t, `/v1/disbursements/${id}/approve`, w2.checker, {}).expect(200);
    const done = await post(t, `/v1/disbursements/${id}/paid`, w2.checker, { paidOn: today }).expect(200);
    entryId = done.body.entryId;

    const bal = async (c: string) =>
      (await get(t, `/v1/funds/${w2.fundId}/balances?currency=${c}`, w2.auditor).expect(200)).body;
    // THB: pots 50,000.00 − 10,000.00 = 40,000.00 = bank 50,000.00 + FX clearing −10,000.00.
    expect(await bal('THB')).toMatchObject({
      total: '40000.00',
      bankAndCash: '50000.00',
      fxClearing: '-10000.00',
      committed: '0.00',
    });
    // PHP: pots untouched 30,000.00 = bank 30,000.00 − 16,275.00 = 13,725.00 + FX clearing 16,275.00.
    expect(await bal('PHP')).toMatchObject({
      total: '30000.00',
      bankAndCash: '13725.00',
      fxClearing: '16275.00',
    });

    const entry = (await get(t, `/v1/ledger/entries/${entryId}`, w2.auditor).expect(200)).body;
    // Per currency, debits = credits (amounts in minor units, both currencies have 2 decimals).
    const sums = new Map<string, bigint>();
    for (const p of entry.postings) {
      const minor = BigInt(p.amount.replace('.', '')) * (p.side === 'debit' ? 1n : -1n);
      sums.set(p.currency, (sums.get(p.currency) ?? 0n) + minor);
    }
    expect([...sums]).toEqual([
      ['THB', 0n],
      ['PHP', 0n],
    ]);
    expect(entry.postings).toHaveLength(6);
    const tb = (await get(t, `/v1/ledger/trial-balance?fundId=${w2.fundId}`, w2.auditor).expect(200)).body;
    expect(tb.currencies.THB.balanced).toBe(true);
    expect(tb.currencies.PHP.balanced).toBe(true);

    // The award is settled in its own currency: 10,000.00 THB received.
    const comp = (
      await request(t.app)
        .get(`/v1/victims/${w2.victimId}/compensation`)
        .set('Authorization', w2.worker.authHeader)
        .expect(200)
    ).body;
    expect(Object.keys(comp.currencies)).toEqual(['THB']);
    expect(comp.currencies.THB).toMatchObject({
      awarded: '10000.00',
      received: '10000.00',
      outstanding: '0.00',
    });
    expect(await bookViolations(t)).toEqual([]);
  });

  it('exports a journal that ledger-cli reads and that balances in every currency', async () => {
    const exported = await get(t, `/v1/ledger/export?format=ledger&fundId=${w2.fundId}`, w2.auditor).expect(
      200,
    );
    const file = path.join(os.tmpdir(), `redress-fx-${process.pid}.dat`);
    fs.writeFileSync(file, exported.text);
    try {
      const total = execFileSync('ledger', ['-f', file, 'balance'], { encoding: 'utf8' });
      expect(total.trim().split('\n').pop()!.trim()).toBe('0');
      const flat = execFileSync(
        'ledger',
        [
          '-f',
          file,
          'balance',
          '--flat',
          '--no-total',
          '--balance-format',
          '%(account)\t%(display_total)\n',
          'fx:',
        ],
        { encoding: 'utf8' },
      );
      const fund = await get(t, `/v1/funds/${w2.fundId}`, w2.auditor).expect(200);
      const short = `Funds:${fundLabel(fund.body)}`; // accounts are named after their fund
      expect(flat.trim().split('\n').sort()).toEqual([
        `Assets:${short}:FX:PHP-THB:PHP\t16275.00 PHP`,
        `Assets:${short}:FX:PHP-THB:THB\t-10000.00 THB`,
      ]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('refusals that write nothing', () => {
  it('refuses to pay an award nothing was committed for, and bad payout details', async () => {
    const undecided = await stateFundClaim(t, w.worker, w.victimId, w.fundId);
    const before = await footprint(t);
    const award = bankBody(w, { claimId: undecided, purpose: 'compensation_award', amount: '10.00' });
    const res = await post(t, '/v1/disbursements', w.maker, award).expect(409);
    expect(res.body.detail).toContain('nothing is committed for this claim');
    const payout = { currency: 'USD', rate: '35.5', rateSource: 'Bank', rateDate: today };
    const medical = bankBody(w, { amount: '10.00' });
    for (const [bad, path] of [
      [{ ...payout, currency: 'THB' }, 'payout.currency'],
      [{ ...payout, rate: '0' }, 'payout.rate'],
      [{ ...payout, rate: '-1' }, 'payout.rate'],
      [{ ...payout, rateDate: '2999-01-01' }, 'payout.rateDate'],
      [{ ...payout, fees: '1.005' }, 'payout.fees'],
      [{ ...payout, rate: 1.5 }, 'payout.rate'],
    ] as const) {
      const r = await post(t, '/v1/disbursements', w.maker, { ...medical, payout: bad }).expect(400);
      expect(r.body.errors.map((e: any) => e.path)).toContain(path);
    }
    expect(await footprint(t)).toEqual(before);
  });

  it('refuses a review that would cut the award below a payment already approved', async () => {
    // A new victim: the first one's medical costs were already paid on other routes (offset).
    const victim = await newVictim(t, w.worker);
    const claimId = await stateFundClaim(t, w.worker, victim.id, w.fundId);
    await move(claimId, 'eligibility_review', w.maker);
    await move(claimId, 'decided', w.maker, award('1000.00'));
    await pay({ victimId: victim.id, claimId, purpose: 'compensation_award', amount: '1000.00' });
    await move(claimId, 'review', w.worker);
    const before = await footprint(t);
    await request(t.app)
      .post(`/v1/claims/${claimId}/transitions`)
      .set('Authorization', w.maker.authHeader)
      .send({ to: 'decided', ...award('500.00') })
      .expect(409);
    expect(await footprint(t)).toEqual(before);
    expect(pot(await balances(), `award_${hex(claimId)}`)).toMatchObject({
      posted: '1000.00',
      pending: '1000.00',
    });
  });
});

describe('interim payments during review', () => {
  it('are advances that the decision offsets: only the rest is committed and paid', async () => {
    const victim = await newVictim(t, w.worker);
    const claimId = await stateFundClaim(t, w.worker, victim.id, w.fundId);
    await move(claimId, 'eligibility_review', w.maker);
    const unrestricted = async () => pot(await balances(), 'unrestricted').posted as string;
    // 19,000.50: 20,000.50 after the child's award, less the 1,000.00 committed just above.
    expect(await unrestricted()).toBe('19000.50');
    const interim = await pay({
      victimId: victim.id,
      claimId,
      purpose: 'interim_assistance',
      amount: '2000.00',
      rationale: 'Emergency shelter while the application is reviewed',
    });
    await paid(interim);
    const before = (
      await request(t.app).get(`/v1/claims/${claimId}`).set('Authorization', w.worker.authHeader).expect(200)
    ).body;
    expect(before.totals).toMatchObject({ awarded: '0.00', received: '0.00' });

    const decided = await move(claimId, 'decided', w.maker, award('7000.00'));
    // The 2,000.00 advance counts as received; 7,000.00 − 2,000.00 = 5,000.00 is committed,
    // out of unrestricted: 19,000.50 − 2,000.00 − 5,000.00 = 12,000.50.
    expect(decided.totals).toMatchObject({ awarded: '7000.00', received: '2000.00' });
    expect(pot(await balances(), `award_${hex(claimId)}`)).toMatchObject({ posted: '5000.00' });
    expect(await unrestricted()).toBe('12000.50');

    // A second decision after review does not count the advance twice.
    await move(claimId, 'review', w.worker);
    const again = await move(claimId, 'decided', w.maker, award('7000.00'));
    expect(again.totals).toMatchObject({ awarded: '7000.00', received: '2000.00' });
    expect(pot(await balances(), `award_${hex(claimId)}`)).toMatchObject({ posted: '5000.00' });

    await paid(await pay({ victimId: victim.id, claimId, purpose: 'compensation_award', amount: '5000.00' }));
    const comp = (
      await request(t.app)
        .get(`/v1/victims/${victim.id}/compensation`)
        .set('Authorization', w.worker.authHeader)
        .expect(200)
    ).body;
    expect(comp.currencies.THB).toMatchObject({
      awarded: '7000.00',
      received: '7000.00',
      outstanding: '0.00',
    });
    const links = await t.ctx.db
      .selectFrom('payments_received')
      .select(['disbursement_id', 'amount_minor'])
      .where('claim_id', '=', claimId)
      .orderBy('recorded_at')
      .execute();
    expect(links.map((l) => l.amount_minor)).toEqual(['200000', '500000']);
    expect(links[0]!.disbursement_id).toBe(interim);
    expect(await bookViolations(t)).toEqual([]);
  });
});
