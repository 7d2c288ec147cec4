import type { PageQuery } from '../lib/schemas';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { AccountOverdrawnError, withLedgerErrors } from '../ledger/ledger-errors';
import { insertAccounts } from '../ledger/ledger.repository';
import { postEntry, postReservation, reserve, voidReservation } from '../ledger/ledger.service';
import { sameOrganization, type Actor } from '../lib/auth';
import { transact, type Db, type Trx } from '../lib/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import { formatMoney, parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { bankConvertedLines, bankShortfall, type FxPayout } from './fx';
import { clearingTotal } from './fx.repository';
import {
  accountPlan,
  code,
  disbursementLines,
  fxDisbursementLines,
  potsFor,
  transferPostings,
  type Fund,
  type Pot,
  type Restriction,
} from './funds';
import { transferRefusal, useRefusal, type Beneficiary } from './restrictions';
import {
  insertFund,
  insertPots,
  insertPotTransfer,
  fundDirectory,
  fundWithPots,
  listFundIds,
  loadFund,
} from './funds.repository';

export function fundView(f: Fund) {
  return {
    id: f.id,
    name: f.name,
    organizationId: f.organizationId,
    currency: f.currency,
    currencies: f.currencies,
    pots: f.pots.map((p) => ({
      code: p.code,
      name: p.name,
      kind: p.kind,
      purposes: p.purposes,
      beneficiaries: p.beneficiaries,
    })),
    createdAt: f.createdAt.toISOString(),
  };
}

/** A fund within the actor's reach (its organization's fund admins; auditors read all), or 404. */
export async function fundInReach(
  db: Db,
  q: Db | Trx,
  actor: Actor,
  id: string,
  write: boolean,
): Promise<Fund> {
  const fund = await loadFund(q, db, id);
  const reach = actor.role === 'auditor' && !write ? true : sameOrganization(actor, fund?.organizationId);
  if (!fund || !reach) throw new NotFoundError('fund');
  return fund;
}

const fundCursor = {
  encode: (id: string) => Buffer.from(`fund:${id}`).toString('base64url'),
  decode(cursor: string | undefined): string | undefined {
    if (!cursor) return undefined;
    const m = /^fund:([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
    if (!m) throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
    return m[1];
  },
};

/**
 * Fund administrators list their agency's funds, auditors every fund, both in full. Legal aid
 * workers list every fund they may file a State-fund claim with, as a directory entry: name, the
 * agency that runs it and the currencies it pays in, never pots or balances.
 */
export async function listFunds(db: Db, actor: Actor, q: PageQuery) {
  const after = fundCursor.decode(q.cursor);
  if (actor.role === 'legal_aid') {
    const rows = await fundDirectory(db, after, q.limit + 1);
    const shown = rows.slice(0, q.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        name: r.name,
        agencyName: r.agency_name,
        currency: r.currency,
        currencies: r.currencies,
      })),
      nextCursor: rows.length > q.limit ? fundCursor.encode(shown[shown.length - 1]!.id) : null,
    };
  }
  const org =
    actor.role === 'auditor' ? null : (actor.organizationId ?? '00000000-0000-0000-0000-000000000000');
  const ids = await listFundIds(db, org, after, q.limit + 1);
  const shown = ids.slice(0, q.limit);
  const funds = await Promise.all(shown.map((id) => loadFund(db, db, id)));
  return {
    items: funds.filter((f) => f !== undefined).map(fundView),
    nextCursor: ids.length > q.limit ? fundCursor.encode(shown[shown.length - 1]!) : null,
  };
}

export function heldCurrency(fund: Fund, currency: string, path = 'currency'): void {
  if (!fund.currencies.includes(currency)) {
    throw new ValidationError([
      { path, message: `${currency} is not held by this fund (it holds ${fund.currencies.join(', ')})` },
    ]);
  }
}

export function potOf(fund: Fund, codeName: string, path = 'pot'): Pot {
  const pot = fund.pots.find((p) => p.code === codeName);
  if (!pot)
    throw new ValidationError([
      {
        path,
        message: `no pot "${codeName}" in this fund (pots: ${fund.pots.map((p) => p.code).join(', ')})`,
      },
    ]);
  return pot;
}

export interface CreateFundBody {
  name: string;
  currency: string;
  currencies?: string[];
  restrictions?: Restriction[];
}

export async function createFund(ctx: AppContext, call: Call, body: CreateFundBody) {
  const organizationId = call.actor.organizationId;
  if (!organizationId)
    throw new ForbiddenError('A fund belongs to an organization, and your account has none.');
  const currencies = [...new Set([body.currency, ...(body.currencies ?? [])])];
  const pots = potsFor(body.restrictions ?? []);
  const fund = await transact(ctx.db, async (trx) => {
    const row = await insertFund(trx, {
      organizationId,
      name: body.name,
      currency: body.currency,
      currencies,
      createdBy: call.actor.userId,
    });
    await insertPots(trx, row.id, pots);
    const accounts = await insertAccounts(trx, accountPlan(row.id, currencies, pots));
    await recordAudit(trx, {
      actor: call.actor,
      action: 'fund.create',
      resourceType: 'fund',
      resourceId: row.id,
      requestId: call.requestId,
      details: { currencies, pots: pots.map((p) => p.code), accounts: accounts.length },
    });
    return { ...row, accounts };
  });
  return fundView({
    id: fund.id,
    organizationId,
    name: body.name,
    currency: body.currency,
    currencies,
    createdAt: fund.createdAt,
    pots,
    accounts: new Map(fund.accounts.map((a) => [a.code, a.id])),
  });
}

export interface TransferBody {
  from: string;
  to: string;
  amount: string;
  currency: string;
  reason: string;
}

export async function transferBetweenPots(
  ctx: AppContext,
  call: Call,
  fundId: string,
  body: TransferBody,
): Promise<IdempotentResult> {
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/funds/:id/pot-transfers', async (trx) => {
      const fund = await fundWithPots(trx, ctx.db, await fundInReach(ctx.db, trx, call.actor, fundId, true), [
        body.from,
        body.to,
      ]);
      heldCurrency(fund, body.currency);
      const from = potOf(fund, body.from, 'from');
      const to = potOf(fund, body.to, 'to');
      const refusal = transferRefusal(from, to);
      if (refusal) throw new ValidationError([{ path: 'to', message: refusal }]);
      const amount = parseMoney(body.amount, body.currency);
      const entryId = await postEntry(trx, {
        kind: 'pot_transfer',
        description: `Pot transfer ${from.code} → ${to.code}: ${body.reason}`.slice(0, 500),
        createdBy: call.actor.userId,
        metadata: { fundId, from: from.code, to: to.code, reason: body.reason },
        postings: transferPostings(fund, { from: from.code, to: to.code, currency: body.currency, amount }),
      });
      const row = await insertPotTransfer(trx, {
        fundId,
        entryId,
        from: from.code,
        to: to.code,
        amount,
        currency: body.currency,
        reason: body.reason,
        createdBy: call.actor.userId,
      });
      await recordAudit(trx, {
        actor: call.actor,
        action: 'fund_pot_transfer.create',
        resourceType: 'fund_pot_transfer',
        resourceId: row.id,
        requestId: call.requestId,
        details: { fundId, entryId, from: from.code, to: to.code, currency: body.currency },
      });
      return {
        status: 201,
        body: {
          id: row.id,
          entryId,
          fundId,
          from: from.code,
          to: to.code,
          amount: formatMoney(amount, body.currency),
          currency: body.currency,
          reason: body.reason,
          createdAt: row.created_at.toISOString(),
        },
      };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  return result;
}

/**
 * Two-phase payment out of a pot, for disbursements: reserve (approval), then post (paid) or
 * void (failed/cancelled). Runs in the caller's transaction. A pot that does not allow the
 * purpose, or the beneficiary (none given: any beneficiary rule refuses), is a 400; not enough
 * available is a 409 naming the pot.
 */
export async function reserveFromPot(
  trx: Trx,
  fund: Fund,
  d: {
    pot: string;
    purpose: string;
    /** the victim paid, whom a restricted pot's beneficiary rule is checked against */
    beneficiary?: Beneficiary;
    currency: string;
    amount: bigint;
    description: string;
    createdBy: string | null;
    metadata?: Record<string, unknown>;
    /**
     * Paid in another currency: converted by the fund (it holds that currency; amount and fees
     * in it leave its bank) or by the bank at payout (fees in the disbursement currency).
     */
    payout?: FxPayout;
  },
): Promise<string> {
  heldCurrency(fund, d.currency);
  const byFund = d.payout?.convertedBy === 'fund';
  if (d.payout && byFund) heldCurrency(fund, d.payout.currency, 'payout.currency');
  const pot = potOf(fund, d.pot);
  const refusal = useRefusal(pot, { purpose: d.purpose, beneficiary: d.beneficiary ?? null });
  if (refusal) throw new ValidationError([{ path: 'pot', message: refusal }]);
  const payer = d.payout && byFund ? d.payout.currency : d.currency;
  const fxPayout = d.payout && {
    currency: d.payout.currency,
    amount: d.payout.amount.toString(),
    fees: d.payout.fees.toString(),
    convertedBy: d.payout.convertedBy,
  };
  const lines = !d.payout
    ? disbursementLines(fund, d)
    : byFund
      ? fxDisbursementLines(fund, {
          ...d,
          payoutCurrency: d.payout.currency,
          payoutTotal: d.payout.amount + d.payout.fees,
        })
      : bankConvertedLines(fund, { ...d, fees: d.payout.fees });
  // Read before reserving: after a refusal the transaction can no longer be asked anything.
  const advanced = await clearingTotal(trx, fund.id, payer);
  try {
    return await reserve(trx, {
      description: d.description,
      createdBy: d.createdBy,
      metadata: { fundId: fund.id, pot: pot.code, purpose: d.purpose, ...d.metadata, fxPayout },
      lines,
    });
  } catch (err) {
    if (err instanceof AccountOverdrawnError && err.extra.accountId === fund.accounts.get(code.bank(payer)))
      throw bankShortfall(fund, payer, err, advanced);
    throw err;
  }
}

/**
 * Two-phase move between two pots (a child's award from its committed pot into the victim's
 * trust pot): approval holds it in `from`, paid posts it. No bank movement, so pots = bank/cash.
 */
export async function reserveTransfer(
  trx: Trx,
  fund: Fund,
  d: {
    from: string;
    to: string;
    currency: string;
    amount: bigint;
    description: string;
    createdBy: string | null;
    metadata?: Record<string, unknown>;
  },
): Promise<string> {
  heldCurrency(fund, d.currency);
  return reserve(trx, {
    description: d.description,
    createdBy: d.createdBy,
    metadata: { fundId: fund.id, from: d.from, to: d.to, ...d.metadata },
    lines: transferPostings(fund, d),
  });
}

export { postReservation as postPotReservation, voidReservation as voidPotReservation };
