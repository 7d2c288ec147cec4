import type { Db, Trx } from '../lib/db';
import { formatMoney } from '../lib/money';
import { available, type Account } from './ledger';
import { entriesByIds, type EntryRow } from './ledger-history.repository';

/** The API's shapes: amounts as strings with exactly the currency's decimals. */

export function accountView(a: Account) {
  const m = (v: bigint) => formatMoney(v, a.currency);
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    type: a.type,
    normalSide: a.normalSide,
    currency: a.currency,
    fundId: a.fundId,
    pot: a.pot,
    nonNegative: a.nonNegative,
    balance: m(a.posted),
    posted: m(a.posted),
    pending: m(a.pending),
    available: m(available(a)),
    version: a.version,
  };
}

export function entryRowView(e: EntryRow) {
  return {
    id: e.id,
    kind: e.kind,
    description: e.description,
    effectiveOn: e.effectiveOn,
    reversesEntryId: e.reversesEntryId,
    reversedByEntryId: e.reversedByEntryId,
    createdAt: e.createdAt.toISOString(),
    metadata: e.metadata,
    postings: e.postings.map((p) => ({
      id: p.id,
      accountId: p.accountId,
      side: p.side,
      amount: formatMoney(p.amount, p.currency),
      currency: p.currency,
      balanceAfter: formatMoney(p.balanceAfter, p.currency),
    })),
  };
}

export async function entryView(db: Db | Trx, id: string) {
  const [row] = await entriesByIds(db, [id]);
  return entryRowView(row!);
}
