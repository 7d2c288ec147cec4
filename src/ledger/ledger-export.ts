import type { Actor } from '../lib/auth';
import type { Db } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { exponentOf, formatMoney } from '../lib/money';
import type { Account, AccountType } from './ledger';
import { findAccounts } from './ledger.repository';
import { entriesByIds } from './ledger-history.repository';
import {
  exportAccountIds,
  exportEntryIdsPage,
  fundInReach,
  fundNames,
  openingBalances,
  type ExportScope,
} from './ledger-export.repository';
import { reachOf } from './ledger.service';

/*
 * A plain-text journal for ledger-cli and hledger: one transaction per entry, every posting with
 * its amount and commodity (so the programs check each entry balances per currency themselves).
 * Debits are positive, credits negative, as both programs expect. Every commodity and account is
 * declared first, so `ledger --strict`/`--pedantic` and `hledger check --strict` accept it. A
 * period starts with one opening transaction carrying what earlier entries left on each account.
 */

const TOP: Record<AccountType, string> = {
  asset: 'Assets',
  liability: 'Liabilities',
  net_assets: 'NetAssets',
  revenue: 'Revenue',
  expense: 'Expenses',
};

// The first part of an account code ('pot:unrestricted:THB') as a readable branch.
const SECTION: Record<string, string> = {
  bank: 'Bank',
  pot: 'Pots',
  allocated: 'Allocated',
  revenue: 'Receipts',
  expense: 'Payments',
  fx: 'FX',
};

/**
 * The journal's name for a fund: its name as a slug, with the start of its id so two funds of
 * the same name stay apart (`Victim-Assistance-Fund-1a2b3c4d`).
 */
export function fundLabel(fund: { id: string; name: string }): string {
  const slug = fund.name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents go, letters stay
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'Fund'}-${fund.id.slice(0, 8)}`;
}

/** `Assets:Funds:Victim-Assistance-Fund-1a2b3c4d:Bank:THB`; an account of no fund is `…:General:…`. */
export function journalAccountName(
  a: Pick<Account, 'type' | 'fundId' | 'code'>,
  fundName: string | undefined,
): string {
  const owner = a.fundId ? `Funds:${fundLabel({ id: a.fundId, name: fundName ?? '' })}` : 'General';
  const [head = '', ...rest] = a.code.split(':');
  const code = [SECTION[head] ?? head, ...rest].join(':').replace(/[^A-Za-z0-9_:.-]/g, '_');
  return `${TOP[a.type]}:${owner}:${code}`;
}

function clean(text: string): string {
  // One line, no ';' (a comment marker) and no double spaces (a field separator in journals).
  return text
    .replace(/[\r\n\t;]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** `commodity THB` with the display format both programs read: decimals as ISO 4217 has them. */
function commodityDirective(currency: string): string {
  const places = exponentOf(currency);
  return `commodity ${currency}\n    format 1000${places > 0 ? `.${'0'.repeat(places)}` : ''} ${currency}\n`;
}

const posting = (name: string, signed: bigint, currency: string) =>
  `    ${name}    ${formatMoney(signed, currency)} ${currency}`;

export interface ExportQuery {
  fundId?: string;
  /** first and last day of the period (effective dates), both included */
  from?: string;
  to?: string;
}

export async function* exportJournal(db: Db, actor: Actor, q: ExportQuery = {}): AsyncGenerator<string> {
  const scope: ExportScope = { reach: reachOf(actor), ...q };
  if (q.fundId && !(await fundInReach(db, scope.reach, q.fundId))) throw new NotFoundError('fund');
  const accounts = await findAccounts(db, { organizationId: null }, await exportAccountIds(db, scope));
  const funds = await fundNames(db, [...new Set(accounts.flatMap((a) => (a.fundId ? [a.fundId] : [])))]);
  const names = new Map(accounts.map((a) => [a.id, journalAccountName(a, funds.get(a.fundId ?? ''))]));
  const period = q.from || q.to ? `, entries effective ${q.from ?? '…'} to ${q.to ?? '…'}` : '';
  yield `; Redress ledger export, ${new Date().toISOString()}${period}\n; debits positive, credits negative\n\n`;
  // the `; id:` and `; entry:` comments are tags to both programs: declared, as --strict wants
  yield 'tag id\ntag entry\n\n';
  for (const c of [...new Set(accounts.map((a) => a.currency))].sort()) yield commodityDirective(c);
  yield '\n';
  for (const a of accounts) yield `account ${names.get(a.id)}\n    ; id: ${a.id}\n`;
  yield '\n';
  if (q.from) {
    const opening = await openingBalances(db, { ...scope, from: q.from });
    if (opening.length > 0) {
      const lines = opening.map((o) => posting(names.get(o.accountId)!, o.net, o.currency));
      yield `${q.from} * Opening balances (entries before ${q.from})\n${lines.join('\n')}\n\n`;
    }
  }
  // Oldest first, in pages (never the whole ledger in memory).
  let before: string | undefined;
  const pages: string[][] = [];
  for (;;) {
    const ids = await exportEntryIdsPage(db, scope, { before, limit: 1000 });
    if (ids.length === 0) break;
    pages.push(ids);
    before = ids[ids.length - 1];
  }
  for (const ids of pages.reverse()) {
    const entries = (await entriesByIds(db, ids)).reverse();
    for (const e of entries) {
      const lines = [`${e.effectiveOn} * ${clean(e.description) || `Entry ${e.id}`}`, `    ; entry: ${e.id}`];
      for (const p of e.postings)
        lines.push(posting(names.get(p.accountId)!, p.side === 'debit' ? p.amount : -p.amount, p.currency));
      yield `${lines.join('\n')}\n\n`;
    }
  }
}
