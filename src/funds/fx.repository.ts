import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

type Q = Db | Trx;

export interface ClearingRow {
  fundId: string;
  accountId: string;
  code: string;
  currency: string;
  posted: bigint;
  /** the first posting since the account last stood at zero; null when it never moved */
  openSince: Date | null;
}

/** FX clearing accounts (of one fund, or of every fund), with their balance and since when open. */
export async function clearingAccounts(db: Q, fundId: string | null): Promise<ClearingRow[]> {
  const { rows } = await sql<{
    fund_id: string;
    id: string;
    code: string;
    currency: string;
    posted: string;
    open_since: Date | null;
  }>`
    select a.fund_id, a.id, a.code, a.currency, a.posted::text,
      (select min(p.posted_at) from ledger_postings p
        where p.account_id = a.id
          and p.id > coalesce((select max(z.id) from ledger_postings z
                                where z.account_id = a.id and z.balance_after = 0), 0)) as open_since
      from ledger_accounts a
     where a.code like 'fx:%' and a.role = 'bank' and a.fund_id is not null
       and (${fundId}::uuid is null or a.fund_id = ${fundId}::uuid)
     order by a.fund_id, a.code`.execute(db);
  return rows.map((r) => ({
    fundId: r.fund_id,
    accountId: r.id,
    code: r.code,
    currency: r.currency,
    posted: BigInt(r.posted),
    openSince: r.open_since,
  }));
}

/** Locks the given accounts (in id order, as the ledger does) and returns their posted balance. */
export async function lockPosted(trx: Trx, ids: string[]): Promise<Map<string, bigint>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; posted: string }>`
    select id, posted::text from ledger_accounts where id = any(${ids}::bigint[]) order by id for update`.execute(
    trx,
  );
  return new Map(rows.map((r) => [r.id, BigInt(r.posted)]));
}

export async function insertSettlement(
  trx: Trx,
  s: {
    fundId: string;
    entryId: string;
    sold: { currency: string; amount: bigint };
    bought: { currency: string; amount: bigint };
    rate: string;
    fees: { currency: string; amount: bigint } | null;
    bankReference: string;
    settledOn: string;
    closed: boolean;
    realized: Record<string, string>;
    createdBy: string;
  },
) {
  return trx
    .insertInto('fund_fx_settlements')
    .values({
      fund_id: s.fundId,
      entry_id: s.entryId,
      sold_currency: s.sold.currency,
      sold_amount: s.sold.amount.toString(),
      bought_currency: s.bought.currency,
      bought_amount: s.bought.amount.toString(),
      rate: s.rate,
      fee_currency: s.fees?.currency ?? null,
      fee_amount: s.fees?.amount.toString() ?? null,
      bank_reference: s.bankReference,
      settled_on: s.settledOn,
      closed: s.closed,
      realized: JSON.stringify(s.realized) as unknown as Record<string, string>,
      created_by: s.createdBy,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export interface BankFlows {
  receipts: bigint;
  disbursements: bigint;
  fxPayouts: bigint;
  fxFees: bigint;
  fxBought: bigint;
  fxSold: bigint;
}

/**
 * What moved one bank account in [start, end), by what kind of entry moved it: summed per entry
 * first (an entry may post to the account twice), then each entry's FX fees — recorded in its
 * metadata, in this account's currency — are told apart from the rest of its movement.
 */
export async function bankFlows(
  db: Q,
  bankAccountId: string,
  currency: string,
  start: Date,
  end: Date,
): Promise<BankFlows> {
  const { rows } = await sql<{ category: string; debits: string; credits: string; fees: string }>`
    with moved as (
      select p.entry_id,
             sum(case when p.side = 'debit' then p.amount else 0 end) as debits,
             sum(case when p.side = 'credit' then p.amount else 0 end) as credits
        from ledger_postings p
       where p.account_id = ${bankAccountId}::bigint and p.posted_at >= ${start} and p.posted_at < ${end}
       group by p.entry_id)
    select c.category, sum(m.debits)::text as debits, sum(m.credits)::text as credits, sum(c.fees)::text as fees
      from moved m join ledger_entries e on e.id = m.entry_id
      cross join lateral (select
        case when e.kind = 'receipt' then 'receipt'
             when e.kind = 'disbursement' and e.metadata ? 'fxPayout' then 'fx_payout'
             when e.kind = 'disbursement' then 'disbursement'
             when e.metadata ? 'fxSettlement' then 'fx_settlement'
             else 'other' end as category,
        coalesce(case
          when e.metadata ? 'fxPayout' then (e.metadata->'fxPayout'->>'fees')::bigint
          when e.metadata->'fxSettlement'->>'feeCurrency' = ${currency}
            then (e.metadata->'fxSettlement'->>'fees')::bigint end, 0) as fees) c
     group by c.category`.execute(db);
  const by = new Map(
    rows.map((r) => [r.category, { d: BigInt(r.debits), c: BigInt(r.credits), f: BigInt(r.fees) }]),
  );
  const z = { d: 0n, c: 0n, f: 0n };
  const payout = by.get('fx_payout') ?? z;
  const settle = by.get('fx_settlement') ?? z;
  const paid = by.get('disbursement') ?? z;
  const received = by.get('receipt') ?? z;
  return {
    receipts: received.d - received.c,
    disbursements: paid.c - paid.d,
    fxPayouts: payout.c - payout.d - payout.f,
    fxFees: payout.f + settle.f,
    fxBought: settle.d,
    fxSold: settle.c - settle.f,
  };
}

/** Sum of a fund's FX clearing balances in one currency: what its bank paid out for others. */
export async function clearingTotal(q: Q, fundId: string, currency: string): Promise<bigint> {
  const { rows } = await sql<{ total: string }>`
    select coalesce(sum(posted), 0)::text as total from ledger_accounts
     where fund_id = ${fundId}::uuid and currency = ${currency} and code like 'fx:%'`.execute(q);
  return BigInt(rows[0]!.total);
}
