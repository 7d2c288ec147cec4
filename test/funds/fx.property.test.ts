import crypto from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { code, fxAccountSpecs, type Fund } from '../../src/funds/funds';
import { fundBalances, fundStatement } from '../../src/funds/funds-reports';
import { ensureAccounts, loadFund } from '../../src/funds/funds.repository';
import { createFund, reserveFromPot } from '../../src/funds/funds.service';
import { fxResultSpecs, type FxPayout } from '../../src/funds/fx';
import { settleFx } from '../../src/funds/fx.service';
import { recordReceipt } from '../../src/funds/receipts.service';
import { withLedgerErrors } from '../../src/ledger/ledger-errors';
import { postReservation, voidReservation } from '../../src/ledger/ledger.service';
import { transact } from '../../src/lib/db';
import { AppError } from '../../src/lib/errors';
import { formatMoney, parseMoney, toDecimal } from '../../src/lib/money';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations, callOf } from '../ledger/helpers';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

/*
 * Random sequences of receipts, commitments (reservations), disbursements (posted), FX payouts
 * (converted by the fund or by the bank) and FX settlements in THB and USD, through the service
 * layer. After every step, in each currency: no pot shows more available than the bank can pay
 * (and a pot's whole available can really be reserved), and both views of the statement tie
 * with no adjustments: opening + in − out = closing, closing = the books.
 */

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
});
afterAll(async () => {
  await t.close();
});

const CURRENCIES = ['THB', 'USD'] as const;
const other = (c: string) => (c === 'THB' ? 'USD' : 'THB');
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const minor = (v: string, c: string) => parseMoney(v, c);

type Op =
  | { t: 'receipt'; c: number; pot: string; amount: bigint }
  | {
      t: 'reserve';
      c: number;
      pot: string;
      amount: bigint;
      payout: 'none' | 'fund' | 'bank';
      paid: bigint;
      fees: bigint;
    }
  | { t: 'post' | 'void'; i: number }
  | {
      t: 'settle';
      pair: boolean;
      all: boolean;
      part: number;
      soldPct: number;
      fee: 'none' | 'sold' | 'bought';
    };

const amount = fc.bigInt({ min: 1n, max: 200_000n });
// Each sequence starts with money in both currencies and one FX payout, so later steps have a
// position to settle (or money to lack).
const funding = (c: number) =>
  fc.record({
    t: fc.constant('receipt' as const),
    c: fc.constant(c),
    pot: fc.constant('unrestricted'),
    amount: fc.bigInt({ min: 200_000n, max: 2_000_000n }),
  });
const fxPayout = fc.record({
  t: fc.constant('reserve' as const),
  c: fc.nat({ max: 1 }),
  pot: fc.constant('unrestricted'),
  amount,
  payout: fc.constant('fund' as const),
  paid: amount,
  fees: fc.bigInt({ min: 0n, max: 2_000n }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('receipt' as const),
      c: fc.nat({ max: 1 }),
      pot: fc.constantFrom('unrestricted', 'medical'),
      amount,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('reserve' as const),
      c: fc.nat({ max: 1 }),
      pot: fc.constantFrom('unrestricted', 'medical'),
      amount,
      payout: fc.constantFrom('none' as const, 'fund' as const, 'fund' as const, 'bank' as const),
      paid: amount,
      fees: fc.bigInt({ min: 0n, max: 2_000n }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constantFrom('post' as const, 'void' as const), i: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('settle' as const),
      pair: fc.constantFrom(true, true, true, false), // false: the wrong way round (refused)
      all: fc.boolean(),
      part: fc.integer({ min: 1, max: 99 }),
      soldPct: fc.integer({ min: 80, max: 120 }),
      fee: fc.constantFrom('none' as const, 'sold' as const, 'bought' as const),
    }),
  },
);

const stats: Record<string, { ok: number; refused: number }> = {};

interface Seq {
  fund: Fund;
  reservations: string[];
}

async function clearing(s: Seq, c: string): Promise<bigint> {
  const id = s.fund.accounts.get(code.fx('THB', 'USD', c));
  if (!id) return 0n;
  const row = await t.ctx.db
    .selectFrom('ledger_accounts')
    .select('posted')
    .where('id', '=', id)
    .executeTakeFirst();
  return BigInt(row?.posted ?? 0);
}

async function apply(s: Seq, o: Op): Promise<void> {
  switch (o.t) {
    case 'receipt': {
      const c = CURRENCIES[o.c]!;
      const body = {
        source: 'donation',
        amount: formatMoney(o.amount, c),
        currency: c,
        pot: o.pot,
        receivedOn: day(0),
      };
      await recordReceipt(
        t.ctx,
        callOf(admin, body, crypto.randomUUID(), { id: s.fund.id }),
        s.fund.id,
        body,
      );
      return;
    }
    case 'reserve': {
      const c = CURRENCIES[o.c]!;
      const payout: FxPayout | undefined =
        o.payout === 'none'
          ? undefined
          : o.payout === 'fund'
            ? { currency: other(c), amount: o.paid, fees: o.fees, convertedBy: 'fund' }
            : { currency: 'MMK', amount: o.paid, fees: o.fees, convertedBy: 'bank' };
      const id = await withLedgerErrors(() =>
        transact(t.ctx.db, async (trx) => {
          const specs = !payout
            ? []
            : payout.convertedBy === 'fund'
              ? fxAccountSpecs(s.fund.id, c, payout.currency)
              : fxResultSpecs(s.fund.id, c);
          const fund = await ensureAccounts(trx, t.ctx.db, s.fund, specs);
          return reserveFromPot(trx, fund, {
            pot: o.pot,
            purpose: 'medical',
            currency: c,
            amount: o.amount,
            description: 'property',
            createdBy: null,
            payout,
          });
        }),
      );
      s.reservations.push(id);
      return;
    }
    case 'post':
    case 'void': {
      const id = s.reservations.length === 0 ? '999999999' : s.reservations[o.i % s.reservations.length]!;
      await withLedgerErrors(() =>
        transact(t.ctx.db, async (trx) => {
          if (o.t === 'post') await postReservation(trx, id);
          else await voidReservation(trx, id);
        }),
      );
      return;
    }
    case 'settle': {
      // Buy the currency whose bank is owed (or, when `pair` is false, the other one).
      const owed = (await clearing(s, 'USD')) > 0n ? 'USD' : 'THB';
      const bought = o.pair ? owed : other(owed);
      const sold = other(bought);
      const position = await clearing(s, bought);
      const fee = o.fee === 'none' ? null : { currency: o.fee === 'sold' ? sold : bought, amount: 100n };
      const feeInBought = fee?.currency === bought ? fee.amount : 0n;
      const boughtWanted = o.all ? position + feeInBought : (position * BigInt(o.part)) / 100n;
      const owedBySold = -(await clearing(s, sold));
      const soldAmount = ((owedBySold > 0n ? owedBySold : 1000n) * BigInt(o.soldPct)) / 100n + 1n;
      // Nothing owed: a settlement of a made-up amount, which must be refused.
      const boughtAmount = boughtWanted > 0n ? boughtWanted : 100n;
      const rate = toDecimal(boughtAmount, bought).div(toDecimal(soldAmount, sold)).toSignificantDigits(10);
      const body = {
        sold: { currency: sold, amount: formatMoney(soldAmount, sold) },
        bought: { currency: bought, amount: formatMoney(boughtAmount, bought) },
        rate: rate.toFixed(Math.max(0, Math.min(12, rate.decimalPlaces()))),
        ...(fee ? { fees: { currency: fee.currency, amount: formatMoney(fee.amount, fee.currency) } } : {}),
        bankReference: 'property',
        settledOn: day(0),
      };
      const r = await settleFx(
        t.ctx,
        callOf(admin, body, crypto.randomUUID(), { id: s.fund.id }),
        s.fund.id,
        body,
      );
      const realized = (r.body as { realized: { cost?: string; gain?: string } | null }).realized;
      if (realized) (stats[realized.cost ? 'settle:cost' : 'settle:gain'] ??= { ok: 0, refused: 0 }).ok += 1;
      return;
    }
  }
}

const n = (v: string, c: string) => minor(v, c);

/** The invariants of one currency of the sequence's fund. */
async function checkCurrency(s: Seq, c: string): Promise<void> {
  const b = await fundBalances(t.ctx.db, admin.actor, s.fund.id, { currency: c });
  const { rows } = await sql<{ posted: string; pending: string }>`select posted::text, pending::text
    from ledger_accounts where id = ${s.fund.accounts.get(code.bank(c))!}::bigint`.execute(t.ctx.db);
  const canPay = BigInt(rows[0]!.posted) - BigInt(rows[0]!.pending);
  expect(n(b.payable, c)).toBe(canPay);
  for (const p of b.pots) {
    expect(n(p.available, c)).toBeLessThanOrEqual(canPay > 0n ? canPay : 0n);
    expect(n(p.available, c)).toBeLessThanOrEqual(n(p.unspent, c));
  }
  expect(n(b.available, c)).toBeLessThanOrEqual(canPay > 0n ? canPay : 0n);
  // What a pot shows as available it can really pay: reserving all of it succeeds (rolled back).
  const rich = b.pots.find((p: any) => p.code === 'unrestricted')!;
  const all = n(rich.available, c);
  if (all > 0n) {
    const rollback = new Error('rollback');
    await expect(
      transact(t.ctx.db, async (trx) => {
        await reserveFromPot(trx, s.fund, {
          pot: 'unrestricted',
          purpose: 'medical',
          currency: c,
          amount: all,
          description: 'probe',
          createdBy: null,
        });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  }
  const st = await fundStatement(t.ctx.db, admin.actor, s.fund.id, {
    from: day(-1),
    to: day(1),
    currency: c,
  });
  const v = (x: string) => n(x, c);
  expect(st.adjustments).toBe(formatMoney(0n, c));
  expect(v(st.opening) + v(st.totalReceipts) - v(st.totalDisbursements) + v(st.fxGains) - v(st.fxCosts)).toBe(
    v(st.closing),
  );
  expect(st.closing).toBe(b.total);
  const cash = st.bankAndCash;
  expect(cash.adjustments).toBe(formatMoney(0n, c));
  expect(
    v(cash.opening) +
      v(cash.receipts) +
      v(cash.fxBought) -
      v(cash.disbursements) -
      v(cash.fxPayouts) -
      v(cash.fxFees) -
      v(cash.fxSold),
  ).toBe(v(cash.closing));
  expect(cash.closing).toBe(b.bankAndCash);
}

describe('FX properties', () => {
  it('keeps every pot within what its bank can pay and every statement tied, over random FX sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(funding(0), funding(1), fxPayout, fc.array(op, { minLength: 7, maxLength: 15 })),
        async ([f1, f2, f3, rest]) => {
          const ops: Op[] = [f1, f2, f3, { t: 'post', i: 0 }, ...rest];
          const created = await createFund(t.ctx, callOf(admin), {
            name: 'FX property fund',
            currency: 'THB',
            currencies: ['USD'],
            restrictions: [{ code: 'medical', name: 'Medical', purposes: ['medical'] }],
          });
          const s: Seq = { fund: (await loadFund(t.ctx.db, t.ctx.db, created.id))!, reservations: [] };
          for (const o of ops) {
            let ok = true;
            try {
              await apply(s, o);
            } catch (err) {
              if (!(err instanceof AppError) || err.status >= 500) throw err; // a 500 is a bug
              ok = false;
            }
            const k = o.t === 'reserve' ? `reserve:${o.payout}` : o.t;
            (stats[k] ??= { ok: 0, refused: 0 })[ok ? 'ok' : 'refused'] += 1;
            s.fund = (await loadFund(t.ctx.db, t.ctx.db, s.fund.id))!;
            for (const c of CURRENCIES) await checkCurrency(s, c);
          }
          expect(await bookViolations(t)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
    // Every kind of step both happened and was refused at least once.
    for (const k of [
      'receipt',
      'reserve:none',
      'reserve:fund',
      'reserve:bank',
      'post',
      'settle',
      'settle:cost',
      'settle:gain',
    ])
      expect(stats[k]?.ok).toBeGreaterThan(0);
    expect(stats.settle?.refused).toBeGreaterThan(0);
  }, 600_000);
});
