import type { Actor } from '../lib/auth';
import type { Db } from '../lib/db';
import { formatMoney } from '../lib/money';
import type { Account, AccountType } from './ledger';
import { listAccounts } from './ledger.repository';
import { entriesByIds, entryIdsPage } from './ledger-history.repository';
import { reachOf } from './ledger.service';

/*
 * A plain-text journal for ledger-cli and hledger: one transaction per entry, every posting with
 * its amount and commodity (so the programs check each entry balances per currency themselves).
 * Debits are positive, credits negative, as both programs expect.
 */

const TOP: Record<AccountType, string> = {
  asset: 'Assets',
  liability: 'Liabilities',
  net_assets: 'NetAssets',
  revenue: 'Revenue',
  expense: 'Expenses',
};

/** The journal's name for an account: `Assets:Fund-1a2b3c4d:bank:THB`. */
export function journalAccountName(a: Pick<Account, 'type' | 'fundId' | 'code' | 'id'>): string {
  const owner = a.fundId ? `Fund-${a.fundId.slice(0, 8)}` : 'General';
  const code = a.code.replace(/[^A-Za-z0-9_:.-]/g, '_');
  return `${TOP[a.type]}:${owner}:${code}`;
}

function clean(text: string): string {
  // One line, no ';' (a comment marker) and no double spaces (a field separator in journals).
  return text
    .replace(/[\r\n\t;]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

export async function* exportJournal(db: Db, actor: Actor, fundId?: string): AsyncGenerator<string> {
  const reach = reachOf(actor);
  const accounts = await listAccounts(db, reach, { fundId, limit: 1_000_000 });
  const names = new Map(accounts.map((a) => [a.id, journalAccountName(a)]));
  yield `; Redress ledger export, ${new Date().toISOString()}\n; debits positive, credits negative\n\n`;
  for (const a of accounts) yield `account ${names.get(a.id)}\n    ; id: ${a.id}\n`;
  yield '\n';
  // Oldest first, in pages (never the whole ledger in memory).
  let before: string | undefined;
  const pages: string[][] = [];
  for (;;) {
    const ids = await entryIdsPage(db, reach, { fundId, before, limit: 1000 });
    if (ids.length === 0) break;
    pages.push(ids);
    before = ids[ids.length - 1];
  }
  for (const ids of pages.reverse()) {
    const entries = (await entriesByIds(db, ids)).reverse();
    for (const e of entries) {
      const lines = [`${e.effectiveOn} * ${clean(e.description) || `Entry ${e.id}`}`, `    ; entry: ${e.id}`];
      for (const p of e.postings) {
        const name = names.get(p.accountId) ?? `Unknown:${p.accountId}`;
        const amount = formatMoney(p.side === 'debit' ? p.amount : -p.amount, p.currency);
        lines.push(`    ${name}    ${amount} ${p.currency}`);
      }
      yield `${lines.join('\n')}\n\n`;
    }
  }
}
