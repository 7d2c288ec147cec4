import request from 'supertest';
import { runReconciliation } from '../../src/notifications/reconciliation';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations } from '../ledger/helpers';
import { get, makeWorld, post, receipt, requested, type World } from '../disbursements/support';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const today = new Date().toISOString().slice(0, 10);
const balances = async (w: World, c: string) =>
  (await get(t, `/v1/funds/${w.fundId}/balances?currency=${c}`, w.auditor).expect(200)).body;
const statement = async (w: World, c: string) =>
  (
    await get(t, `/v1/funds/${w.fundId}/statement?from=${today}&to=${today}&currency=${c}`, w.auditor).expect(
      200,
    )
  ).body;
const positions = async (w: World) =>
  (await get(t, `/v1/funds/${w.fundId}/fx-positions`, w.maker).expect(200)).body.items;

/** Requested by the maker, approved by a checker, then paid: the disbursement's id. */
async function paidOut(w: World, over: Record<string, unknown>): Promise<string> {
  const id = await requested(t, w, over);
  const approved = await post(t, `/v1/disbursements/${id}/approve`, w.checker, {});
  expect([approved.status, approved.body.detail]).toEqual([200, undefined]);
  await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: today }).expect(200);
  return id;
}

/** Both views of a statement tie: pots (opening + in − out = closing) and the bank alone. */
function reconciles(s: any): void {
  const n = (v: string) => BigInt(v.replace('.', ''));
  expect(s.adjustments).toBe('0.00');
  expect(n(s.opening) + n(s.totalReceipts) - n(s.totalDisbursements) + n(s.fxGains) - n(s.fxCosts)).toBe(
    n(s.closing),
  );
  const b = s.bankAndCash;
  expect(b.adjustments).toBe('0.00');
  expect(
    n(b.opening) +
      n(b.receipts) +
      n(b.fxBought) -
      n(b.disbursements) -
      n(b.fxPayouts) -
      n(b.fxFees) -
      n(b.fxSold),
  ).toBe(n(b.closing));
}

describe('a THB payment paid out in USD from the fund’s USD bank', () => {
  let w: World;

  it('caps every USD pot at what the USD bank can pay and says why', async () => {
    w = await makeWorld(t, { currencies: ['USD'] });
    await receipt(t, w, { amount: '10000.00', currency: 'USD', source: 'donation' });
    await receipt(t, w, { amount: '50000.00' });
    // 8,000.00 THB × 0.0281 = 224.80 USD to the payee, 8.20 USD fees: 233.00 leaves the USD bank.
    await paidOut(w, {
      amount: '8000.00',
      payout: {
        currency: 'USD',
        rate: '0.0281',
        rateSource: 'Bank of Thailand',
        rateDate: today,
        fees: '8.20',
      },
    });
    const usd = await balances(w, 'USD');
    expect(usd).toMatchObject({
      total: '10000.00',
      bankAndCash: '9767.00',
      payable: '9767.00',
      available: '9767.00',
    });
    expect(usd.cap).toMatch(/233\.00 USD/);
    expect(usd.pots.find((p: any) => p.code === 'unrestricted')).toMatchObject({
      posted: '10000.00',
      unspent: '10000.00',
      available: '9767.00',
      cappedByBank: true,
    });
    // THB has more in the bank than its pots: nothing capped.
    expect((await balances(w, 'THB')).pots.find((p: any) => p.code === 'unrestricted')).toMatchObject({
      available: '42000.00',
      cappedByBank: false,
    });
  });

  it('shows the FX payout and its fees as outflows of the USD statement, which still ties', async () => {
    const s = await statement(w, 'USD');
    expect(s.bankAndCash).toMatchObject({
      opening: '0.00',
      receipts: '10000.00',
      fxPayouts: '224.80',
      fxFees: '8.20',
      closing: '9767.00',
    });
    reconciles(s);
    const thb = await statement(w, 'THB');
    expect(thb.disbursementsByPurpose.medical).toBe('8000.00');
    reconciles(thb);
  });

  it('refuses a USD payment the bank cannot make with a reason the balances explain', async () => {
    const id = await requested(t, w, { amount: '9800.00', currency: 'USD' });
    const refused = await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(409);
    expect(refused.body.type).toBe('https://redress.example/problems/insufficient-funds');
    expect(refused.body.detail).toMatch(/USD bank and cash can pay 9767\.00 USD/);
    expect(refused.body.detail).toMatch(/fx-positions/);
  });

  it('lists the open position and flags it in the nightly reconciliation once it is too old', async () => {
    expect(await positions(w)).toEqual([
      expect.objectContaining({
        currencies: ['THB', 'USD'],
        toBuy: { currency: 'USD', amount: '233.00' },
        heldFor: { currency: 'THB', amount: '8000.00' },
        daysOpen: 0,
      }),
    ]);
    const later = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    const run = await runReconciliation(t.ctx.db, t.ctx.logger, later, { fxOpenDaysMax: 7 });
    expect(run.checks.find((c) => c.name === 'fx_positions')).toMatchObject({ ok: false });
    expect(run.checks.find((c) => c.name === 'fx_positions')!.detail).toMatch(/THB\/USD/);
  });

  it('refuses a settlement that buys more than the position needs or buys the wrong way', async () => {
    const base = { rate: '0.0281', bankReference: 'FX-1', settledOn: today };
    const over = await post(t, `/v1/funds/${w.fundId}/fx-settlements`, w.maker, {
      ...base,
      sold: { currency: 'THB', amount: '9000.00' },
      bought: { currency: 'USD', amount: '252.90' },
    }).expect(409);
    expect(over.body.detail).toMatch(/more USD than the open position/);
    await post(t, `/v1/funds/${w.fundId}/fx-settlements`, w.maker, {
      ...base,
      rate: '35.6',
      sold: { currency: 'USD', amount: '233.00' },
      bought: { currency: 'THB', amount: '8294.80' },
    }).expect(409);
    const same = await post(t, `/v1/funds/${w.fundId}/fx-settlements`, w.maker, {
      ...base,
      sold: { currency: 'USD', amount: '233.00' },
      bought: { currency: 'USD', amount: '233.00' },
    }).expect(400);
    expect(same.body.errors.map((e: any) => e.path)).toContain('bought.currency');
    // A rate quoted the other way round (THB per USD) does not agree with the amounts.
    const inverted = await post(t, `/v1/funds/${w.fundId}/fx-settlements`, w.maker, {
      ...base,
      rate: '35.6',
      sold: { currency: 'THB', amount: '8300.00' },
      bought: { currency: 'USD', amount: '233.00' },
    }).expect(400);
    expect(inverted.body.errors[0].path).toBe('rate');
    await post(t, `/v1/funds/${w.fundId}/fx-settlements`, w.auditor, {
      ...base,
      sold: { currency: 'THB', amount: '8300.00' },
      bought: { currency: 'USD', amount: '233.00' },
    }).expect(403);
  });

  it('records the conversion, closes the position and realizes what it cost', async () => {
    const body = {
      sold: { currency: 'THB', amount: '8300.00' },
      bought: { currency: 'USD', amount: '233.00' },
      rate: '0.028072',
      fees: { currency: 'THB', amount: '25.00' },
      bankReference: 'KBANK-FX-2026-0042',
      settledOn: today,
    };
    const settled = await post(
      t,
      `/v1/funds/${w.fundId}/fx-settlements`,
      w.maker,
      body,
      'fx-settle-1',
    ).expect(201);
    // 8,300.00 + 25.00 THB paid for what 8,000.00 THB of pots had already spent: 325.00 THB cost.
    expect(settled.body).toMatchObject({
      closed: true,
      realized: { cost: '325.00', currency: 'THB' },
      position: { THB: '0.00', USD: '0.00' },
    });
    const replay = await post(t, `/v1/funds/${w.fundId}/fx-settlements`, w.maker, body, 'fx-settle-1').expect(
      201,
    );
    expect(replay.body).toEqual(settled.body);
    expect(await positions(w)).toEqual([]);
    expect(await balances(w, 'USD')).toMatchObject({
      bankAndCash: '10000.00',
      available: '10000.00',
      cap: null,
    });
    expect(await balances(w, 'THB')).toMatchObject({
      total: '41675.00',
      bankAndCash: '41675.00',
      fxClearing: '0.00',
    });
    const thb = await statement(w, 'THB');
    expect(thb).toMatchObject({ fxCosts: '325.00', closing: '41675.00' });
    expect(thb.bankAndCash).toMatchObject({ fxSold: '8300.00', fxFees: '25.00', closing: '41675.00' });
    reconciles(thb);
    const usd = await statement(w, 'USD');
    expect(usd.bankAndCash).toMatchObject({ fxBought: '233.00', closing: '10000.00' });
    reconciles(usd);
    const run = await runReconciliation(t.ctx.db, t.ctx.logger, new Date(Date.now() + 8 * 24 * 3600 * 1000), {
      fxOpenDaysMax: 7,
    });
    expect(run.checks.find((c) => c.name === 'fx_positions')).toMatchObject({ ok: true });
    expect(await bookViolations(t)).toEqual([]);
  });
});

describe('currencies added later, and payouts the bank converts', () => {
  let w: World;

  it('adds a currency with its accounts and never removes one', async () => {
    w = await makeWorld(t);
    const patch = (currencies: string[]) =>
      request(t.app)
        .patch(`/v1/funds/${w.fundId}`)
        .set('Authorization', w.maker.authHeader)
        .send({ currencies });
    const patched = await patch(['THB', 'EUR']);
    expect([patched.status, patched.body.currencies]).toEqual([200, ['THB', 'EUR']]);
    await receipt(t, w, { amount: '100.00', currency: 'EUR' });
    expect(await balances(w, 'EUR')).toMatchObject({ total: '100.00', payable: '100.00' });
    const dropped = await patch(['EUR']);
    expect([dropped.status, dropped.body.type]).toEqual([409, 'https://redress.example/problems/conflict']);
  });

  it('pays a victim gone home in MMK straight from the THB bank, rate and fees recorded', async () => {
    await receipt(t, w, { amount: '20000.00' });
    const id = await paidOut(w, {
      amount: '5000.00',
      payout: { currency: 'MMK', rate: '60.25', rateSource: 'KBank', rateDate: today, fees: '50.00' },
    });
    const d = (await get(t, `/v1/disbursements/${id}`, w.maker).expect(200)).body;
    expect(d.payout).toMatchObject({
      currency: 'MMK',
      amount: '301250.00',
      convertedBy: 'bank',
      fees: '50.00',
      feesCurrency: 'THB',
      total: '5050.00',
      totalCurrency: 'THB',
      rate: '60.25',
    });
    expect(await balances(w, 'THB')).toMatchObject({
      total: '14950.00',
      bankAndCash: '14950.00',
      fxClearing: '0.00',
    });
    expect(await positions(w)).toEqual([]);
    const s = await statement(w, 'THB');
    expect(s).toMatchObject({ fxCosts: '50.00' });
    expect(s.disbursementsByPurpose.medical).toBe('5000.00');
    expect(s.bankAndCash).toMatchObject({ fxPayouts: '5000.00', fxFees: '50.00', closing: '14950.00' });
    reconciles(s);
    const mmk = await t.ctx.db
      .selectFrom('ledger_accounts')
      .select('code')
      .where('fund_id', '=', w.fundId)
      .where('currency', '=', 'MMK')
      .execute();
    expect(mmk).toEqual([]);
    expect(await bookViolations(t)).toEqual([]);
  });
});
