import { todayUtc } from '../lib/dates';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import { postEntry } from '../ledger/ledger.service';
import type { Actor } from '../lib/auth';
import type { Db } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { NoFxPosition, SettlementRefused } from './funds.errors';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import { formatMoney, parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { code } from './funds';
import { ensureAccounts, fundHolding } from './funds.repository';
import { fundInReach, heldCurrency } from './funds.service';
import {
  fxResultSpecs,
  parseFxCode,
  planSettlement,
  rateAgrees,
  settlementLines,
  type Settlement,
} from './fx';
import { clearingAccounts, insertSettlement, lockPosted, type ClearingRow } from './fx.repository';

export interface SettlementBody {
  sold: { currency: string; amount: string };
  bought: { currency: string; amount: string };
  rate: string;
  fees?: { currency: string; amount: string };
  bankReference: string;
  settledOn: string;
}

/**
 * ★ POST /v1/funds/:id/fx-settlements: the conversion the bank made to cover an FX position —
 * the sold currency's bank pays, the bought currency's bank receives, and both clearing accounts
 * move. Covering the whole position closes it, realizing what is left over as an FX cost or gain
 * of the sold currency's unrestricted pot.
 */
export async function settleFx(
  ctx: AppContext,
  call: Call,
  fundId: string,
  body: SettlementBody,
): Promise<IdempotentResult> {
  if (body.settledOn > todayUtc())
    throw new ValidationError([{ path: 'settledOn', message: 'must not be in the future' }]);
  const s: Settlement = {
    sold: { currency: body.sold.currency, amount: parseMoney(body.sold.amount, body.sold.currency) },
    bought: { currency: body.bought.currency, amount: parseMoney(body.bought.amount, body.bought.currency) },
    fees: body.fees
      ? { currency: body.fees.currency, amount: parseMoney(body.fees.amount, body.fees.currency) }
      : null,
  };
  if (s.sold.currency === s.bought.currency)
    throw new ValidationError([{ path: 'bought.currency', message: 'must differ from sold.currency' }]);
  if (s.fees && ![s.sold.currency, s.bought.currency].includes(s.fees.currency))
    throw new ValidationError([
      { path: 'fees.currency', message: 'must be the sold or the bought currency' },
    ]);
  if (!rateAgrees(s, body.rate))
    throw new ValidationError([
      {
        path: 'rate',
        message: `must be units of ${s.bought.currency} for one ${s.sold.currency}, agreeing with the amounts within 1%`,
      },
    ]);
  const [a, b] = [s.sold.currency, s.bought.currency];
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/funds/:id/fx-settlements', async (trx) => {
      let fund = await fundInReach(ctx.db, trx, call.actor, fundId, true);
      fund = await fundHolding(trx, ctx.db, fund, [a, b]);
      heldCurrency(fund, a, 'sold.currency');
      heldCurrency(fund, b, 'bought.currency');
      const fxA = fund.accounts.get(code.fx(a, b, a));
      const fxB = fund.accounts.get(code.fx(a, b, b));
      if (!fxA || !fxB) throw new NoFxPosition(a, b);
      const posted = await lockPosted(trx, [fxA, fxB]);
      const plan = planSettlement(s, { sold: posted.get(fxA)!, bought: posted.get(fxB)! });
      if ('refusal' in plan) throw new SettlementRefused(plan.refusal);
      if (plan.realized) fund = await ensureAccounts(trx, ctx.db, fund, fxResultSpecs(fund.id, a));
      const realized: Record<string, string> = plan.realized
        ? {
            [plan.realized.amount > 0n ? 'cost' : 'gain']: formatMoney(abs(plan.realized.amount), a),
            currency: a,
          }
        : {};
      const entryId = await postEntry(trx, {
        kind: 'other',
        description: `FX settlement ${a} → ${b} (${body.bankReference})`.slice(0, 500),
        effectiveOn: body.settledOn,
        createdBy: call.actor.userId,
        metadata: {
          fundId: fund.id,
          fxSettlement: {
            soldCurrency: a,
            sold: s.sold.amount.toString(),
            boughtCurrency: b,
            bought: s.bought.amount.toString(),
            feeCurrency: s.fees?.currency ?? null,
            fees: (s.fees?.amount ?? 0n).toString(),
            bankReference: body.bankReference,
          },
        },
        postings: settlementLines(fund, s, plan),
      });
      const row = await insertSettlement(trx, {
        fundId: fund.id,
        entryId,
        ...s,
        rate: body.rate,
        bankReference: body.bankReference,
        settledOn: body.settledOn,
        closed: plan.closed,
        realized,
        createdBy: call.actor.userId,
      });
      await recordAudit(trx, {
        actor: call.actor,
        action: 'fund_fx_settlement.create',
        resourceType: 'fund_fx_settlement',
        resourceId: row.id,
        requestId: call.requestId,
        details: { fundId: fund.id, entryId, sold: a, bought: b, closed: plan.closed },
      });
      return {
        status: 201,
        body: {
          id: row.id,
          entryId,
          fundId: fund.id,
          sold: { currency: a, amount: formatMoney(s.sold.amount, a) },
          bought: { currency: b, amount: formatMoney(s.bought.amount, b) },
          rate: body.rate,
          fees: s.fees && { currency: s.fees.currency, amount: formatMoney(s.fees.amount, s.fees.currency) },
          bankReference: body.bankReference,
          settledOn: body.settledOn,
          closed: plan.closed,
          realized: plan.realized ? realized : null,
          position: {
            [a]: formatMoney(plan.after.sold, a),
            [b]: formatMoney(plan.after.bought, b),
          },
          createdAt: row.created_at.toISOString(),
        },
      };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  return result;
}

const abs = (v: bigint) => (v < 0n ? -v : v);
const DAY_MS = 24 * 3600 * 1000;

export interface FxPosition {
  fundId: string;
  currencies: [string, string];
  clearing: Record<string, bigint>;
  openSince: Date;
}

/** Pairs whose clearing accounts are not both zero, with since when they have been open. */
function positionsOf(rows: ClearingRow[]): FxPosition[] {
  const byPair = new Map<string, FxPosition>();
  for (const r of rows) {
    const parsed = parseFxCode(r.code);
    if (!parsed) continue;
    const key = `${r.fundId}/${parsed.pair.join('-')}`;
    const p = byPair.get(key) ?? {
      fundId: r.fundId,
      currencies: parsed.pair,
      clearing: {},
      openSince: new Date(8.64e15),
    };
    p.clearing[r.currency] = r.posted;
    if (r.posted !== 0n && r.openSince && r.openSince < p.openSince) p.openSince = r.openSince;
    byPair.set(key, p);
  }
  return [...byPair.values()].filter((p) => Object.values(p.clearing).some((v) => v !== 0n));
}

/** GET /v1/funds/:id/fx-positions: what each currency's bank paid out for another, not yet converted. */
export async function fxPositions(db: Db, actor: Actor, fundId: string, now = new Date()) {
  const fund = await fundInReach(db, db, actor, fundId, false);
  const items = positionsOf(await clearingAccounts(db, fund.id)).map((p) => {
    // The bank owed money back is the one whose clearing balance is positive: buy that currency.
    const [x, y] = p.currencies;
    const [owed, holder] = (p.clearing[x] ?? 0n) > 0n ? [x, y] : [y, x];
    return {
      currencies: p.currencies,
      clearing: Object.fromEntries(p.currencies.map((c) => [c, formatMoney(p.clearing[c] ?? 0n, c)])),
      toBuy: { currency: owed, amount: formatMoney(p.clearing[owed] ?? 0n, owed) },
      heldFor: { currency: holder, amount: formatMoney(-(p.clearing[holder] ?? 0n), holder) },
      openSince: p.openSince.toISOString(),
      daysOpen: Math.floor((now.getTime() - p.openSince.getTime()) / DAY_MS),
    };
  });
  return { fundId: fund.id, asOf: now.toISOString(), items };
}

/** Every fund's FX positions open longer than `maxDays` (the nightly reconciliation's check). */
export async function staleFxPositions(db: Db, now: Date, maxDays: number): Promise<FxPosition[]> {
  const cutoff = new Date(now.getTime() - maxDays * DAY_MS);
  return positionsOf(await clearingAccounts(db, null)).filter((p) => p.openSince < cutoff);
}
