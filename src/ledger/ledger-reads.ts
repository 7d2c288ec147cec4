import type { Actor } from '../lib/auth';
import type { Db } from '../lib/db';
import type { PageQuery } from '../lib/schemas';
import { NotFoundError, ValidationError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { debitCredit, type Account } from './ledger';
import { accountView, entryRowView } from './ledger-views';
import { findAccounts, listAccounts, type Reach } from './ledger.repository';
import { balancesAsOf, entriesByIds, entryIdsPage } from './ledger-history.repository';
import { reachOf } from './ledger.service';

/** Opaque list cursors: the last id seen, so pages stay stable while rows are appended. */
export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const m = /^id:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  return m[1];
}

function page<T>(items: T[], limit: number, idOf: (t: T) => string) {
  const more = items.length > limit;
  const shown = more ? items.slice(0, limit) : items;
  return { items: shown, nextCursor: more ? encodeCursor(idOf(shown[shown.length - 1]!)) : null };
}

/** GET /v1/ledger/accounts's query. */
export interface AccountsQuery extends PageQuery {
  fundId?: string;
}

export async function accountsList(db: Db, actor: Actor, q: AccountsQuery) {
  const rows = await listAccounts(db, reachOf(actor), {
    fundId: q.fundId,
    after: decodeCursor(q.cursor),
    limit: q.limit + 1,
  });
  const p = page(rows, q.limit, (a) => a.id);
  return { items: p.items.map(accountView), nextCursor: p.nextCursor };
}

export async function accountGet(db: Db, actor: Actor, id: string) {
  const [account] = await findAccounts(db, reachOf(actor), [id]);
  if (!account) throw new NotFoundError('ledger account');
  return accountView(account);
}

/** GET /v1/ledger/entries's query. */
export interface EntriesQuery extends PageQuery {
  accountId?: string;
  fundId?: string;
}

export async function entriesList(db: Db, actor: Actor, q: EntriesQuery) {
  const ids = await entryIdsPage(db, reachOf(actor), {
    accountId: q.accountId,
    fundId: q.fundId,
    before: decodeCursor(q.cursor),
    limit: q.limit + 1,
  });
  const p = page(ids, q.limit, (id) => id);
  const entries = await entriesByIds(db, p.items);
  return { items: entries.map(entryRowView), nextCursor: p.nextCursor };
}

export async function entryGet(db: Db, actor: Actor, id: string) {
  const ids = await entryIdsPage(db, reachOf(actor), { before: String(BigInt(id) + 1n), limit: 1 });
  if (ids[0] !== id) throw new NotFoundError('ledger entry');
  const [entry] = await entriesByIds(db, [id]);
  return entryRowView(entry!);
}

/** All accounts in reach (optionally one fund's), with balances now or as of a moment. */
export async function accountsAsOf(db: Db, reach: Reach, fundId: string | undefined, asOf: Date | undefined) {
  // One statement: a consistent snapshot, so a trial balance "now" always balances.
  const all: Account[] = await listAccounts(db, reach, { fundId, limit: 1_000_000 });
  if (!asOf) return all;
  const past = await balancesAsOf(
    db,
    all.map((a) => a.id),
    asOf,
  );
  return all.map((a) => ({ ...a, ...(past.get(a.id) ?? { posted: 0n, pending: 0n }) }));
}

/** GET /v1/ledger/trial-balance's query. */
export interface TrialBalanceQuery {
  asOf?: Date;
  fundId?: string;
}

export async function trialBalance(db: Db, actor: Actor, q: TrialBalanceQuery) {
  const accounts = await accountsAsOf(db, reachOf(actor), q.fundId, q.asOf);
  const totals = new Map<string, { debits: bigint; credits: bigint }>();
  const rows = accounts.map((a) => {
    const { debit, credit } = debitCredit(a.normalSide, a.posted);
    const t = totals.get(a.currency) ?? { debits: 0n, credits: 0n };
    t.debits += debit;
    t.credits += credit;
    totals.set(a.currency, t);
    return {
      id: a.id,
      code: a.code,
      name: a.name,
      type: a.type,
      currency: a.currency,
      fundId: a.fundId,
      debit: formatMoney(debit, a.currency),
      credit: formatMoney(credit, a.currency),
    };
  });
  const currencies: Record<string, { debits: string; credits: string; balanced: boolean }> = {};
  for (const [c, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    currencies[c] = {
      debits: formatMoney(t.debits, c),
      credits: formatMoney(t.credits, c),
      balanced: t.debits === t.credits,
    };
  }
  return { asOf: (q.asOf ?? new Date()).toISOString(), currencies, accounts: rows };
}
