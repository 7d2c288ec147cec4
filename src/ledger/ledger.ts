import { formatMoney } from '../lib/money';

/** Double-entry vocabulary and pure rules. Knows nothing of funds, claims or HTTP. */

export type Side = 'debit' | 'credit';
export type AccountType = 'asset' | 'liability' | 'net_assets' | 'revenue' | 'expense';
export type EntryKind = 'receipt' | 'pot_transfer' | 'manual' | 'reversal' | 'disbursement' | 'other';

export const NORMAL_SIDE: Record<AccountType, Side> = {
  asset: 'debit',
  expense: 'debit',
  liability: 'credit',
  net_assets: 'credit',
  revenue: 'credit',
};

export interface PostingInput {
  accountId: string;
  side: Side;
  amount: bigint; // minor units of the account's currency, > 0
}

export interface EntryInput {
  kind: EntryKind;
  description: string;
  effectiveOn?: string | null;
  reversesEntryId?: string | null;
  createdBy?: string | null;
  metadata?: Record<string, unknown>;
  postings: PostingInput[];
}

export interface ReservationInput {
  description: string;
  createdBy?: string | null;
  metadata?: Record<string, unknown>;
  lines: PostingInput[];
}

export interface Account {
  id: string;
  fundId: string | null;
  code: string;
  name: string;
  type: AccountType;
  normalSide: Side;
  currency: string;
  role: string;
  pot: string | null;
  nonNegative: boolean;
  posted: bigint;
  pending: bigint;
  version: string;
}

export function available(account: Pick<Account, 'posted' | 'pending'>): bigint {
  return account.posted - account.pending;
}

export function opposite(side: Side): Side {
  return side === 'debit' ? 'credit' : 'debit';
}

/** Signed so that debits are positive: the sum of an entry's postings per currency is zero. */
export function signed(p: { side: Side; amount: bigint }): bigint {
  return p.side === 'debit' ? p.amount : -p.amount;
}

export interface Imbalance {
  currency: string;
  debits: bigint;
  credits: bigint;
}

/** Per currency: debits and credits of postings whose currencies are known; mismatches returned. */
export function imbalances(postings: Array<{ side: Side; amount: bigint; currency: string }>): Imbalance[] {
  const totals = new Map<string, Imbalance>();
  for (const p of postings) {
    const t = totals.get(p.currency) ?? { currency: p.currency, debits: 0n, credits: 0n };
    if (p.side === 'debit') t.debits += p.amount;
    else t.credits += p.amount;
    totals.set(p.currency, t);
  }
  return [...totals.values()].filter((t) => t.debits !== t.credits);
}

export function describeImbalance(i: Imbalance): string {
  return `${i.currency}: debits ${formatMoney(i.debits, i.currency)} ≠ credits ${formatMoney(i.credits, i.currency)}`;
}

/** The postings that undo an entry: same accounts and amounts, sides swapped. */
export function reversalPostings(postings: PostingInput[]): PostingInput[] {
  return postings.map((p) => ({ accountId: p.accountId, side: opposite(p.side), amount: p.amount }));
}

/** Trial-balance columns of one account balance kept in its normal-side sign. */
export function debitCredit(normalSide: Side, balance: bigint): { debit: bigint; credit: bigint } {
  const asDebit = normalSide === 'debit' ? balance : -balance;
  return asDebit >= 0n ? { debit: asDebit, credit: 0n } : { debit: 0n, credit: -asDebit };
}
