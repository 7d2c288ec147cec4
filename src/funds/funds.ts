import type { PostingInput } from '../ledger/ledger';
import type { AccountSpec } from '../ledger/ledger.repository';
import type { Beneficiaries } from './restrictions';

// Kept importable from here, where it lived before restrictions named beneficiaries.
export { transferRefusal } from './restrictions';

/** Victim assistance funds: pots, the account plan, and the pure rules of moving money. */

export const RECEIPT_SOURCES = [
  'fine',
  'confiscated_assets',
  'donation',
  'state_appropriation',
  'recovery',
  'interest',
] as const;
export type ReceiptSource = (typeof RECEIPT_SOURCES)[number];

export const PURPOSES = [
  'compensation_award',
  'interim_assistance',
  'medical',
  'legal',
  'accommodation',
  'livelihood',
  'education',
  'return_travel',
  'other',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const BUILT_IN_POTS = ['unrestricted', 'reserved'] as const;
export const POT_CODE = /^[a-z][a-z0-9_]{0,39}$/;

export interface Pot {
  code: string;
  name: string;
  kind: PotKind;
  purposes: string[];
  /** who may benefit; null: anyone the purposes allow */
  beneficiaries: Beneficiaries | null;
}

export interface Restriction {
  code: string;
  name: string;
  purposes: string[];
  beneficiaries?: Beneficiaries;
}

export type PotKind = 'unrestricted' | 'reserved' | 'restricted' | 'trust' | 'committed';

export interface Fund {
  id: string;
  organizationId: string;
  name: string;
  currency: string;
  currencies: string[];
  createdAt: Date;
  pots: Pot[];
  /** account code → account id, e.g. 'pot:unrestricted:THB' → '17' */
  accounts: Map<string, string>;
}

/** `unrestricted` serves every purpose; `reserved` none until released; then each restriction. */
export function potsFor(restrictions: Restriction[]): Pot[] {
  return [
    {
      code: 'unrestricted',
      name: 'Unrestricted',
      kind: 'unrestricted',
      purposes: [...PURPOSES],
      beneficiaries: null,
    },
    {
      code: 'reserved',
      name: 'Reserved (not yet released for payment)',
      kind: 'reserved',
      purposes: [],
      beneficiaries: null,
    },
    ...restrictions.map((r) => ({
      code: r.code,
      name: r.name,
      kind: 'restricted' as const,
      purposes: [...new Set(r.purposes)],
      beneficiaries: r.beneficiaries ?? null,
    })),
  ];
}

export const code = {
  bank: (c: string) => `bank:${c}`,
  pot: (pot: string, c: string) => `pot:${pot}:${c}`,
  allocated: (c: string) => `allocated:${c}`,
  revenue: (s: string, c: string) => `revenue:${s}:${c}`,
  expense: (p: string, c: string) => `expense:${p}:${c}`,
  /** FX clearing of the pair {a, b} (either order), in currency c ∈ {a, b}. */
  fx: (a: string, b: string, c: string) => `fx:${[a, b].sort().join('-')}:${c}`,
};

/**
 * FX clearing accounts for a pair of currencies, one in each: cash in transit between them. A
 * payout in another currency leaves the pots of the award currency through one and the bank of
 * the payout currency through the other, so each entry balances per currency. They take the
 * `bank` role — the money is still the fund's, at the exchange — so pots = bank/cash holds per
 * currency. The position stays open until the fund converts money to cover it (a manual entry).
 */
export function fxAccountSpecs(fundId: string, a: string, b: string): AccountSpec[] {
  return [a, b].map((c) => ({
    fundId,
    code: code.fx(a, b, c),
    name: `FX clearing ${[a, b].sort().join('/')} (${c})`,
    type: 'asset' as const,
    normalSide: 'debit' as const,
    currency: c,
    role: 'bank' as const,
    pot: null,
    nonNegative: false,
  }));
}

/**
 * Per currency: bank/cash (asset), one net-assets account per pot, revenue per receipt source,
 * expense per purpose, and `allocated` — the contra account that carries revenue and expense
 * into the pots as they happen (a real-time closing entry), so that at every moment the pots
 * add up to bank/cash while revenue and expense still show where money came from and went.
 * Bank and pots may never go below zero (a CHECK in PostgreSQL).
 */
export function accountPlan(fundId: string, currencies: string[], pots: Pot[]): AccountSpec[] {
  const specs: AccountSpec[] = [];
  const base = { fundId, pot: null, nonNegative: false } as const;
  for (const c of currencies) {
    specs.push({
      ...base,
      code: code.bank(c),
      name: `Bank and cash (${c})`,
      type: 'asset',
      normalSide: 'debit',
      currency: c,
      role: 'bank',
      nonNegative: true,
    });
    for (const p of pots) specs.push(potAccountSpec(fundId, c, p));
    specs.push({
      ...base,
      code: code.allocated(c),
      name: `Revenue and expense allocated to pots (${c})`,
      type: 'net_assets',
      normalSide: 'debit',
      currency: c,
      role: 'allocated',
    });
    for (const s of RECEIPT_SOURCES) {
      specs.push({
        ...base,
        code: code.revenue(s, c),
        name: `Revenue: ${s} (${c})`,
        type: 'revenue',
        normalSide: 'credit',
        currency: c,
        role: 'revenue',
      });
    }
    for (const p of PURPOSES) {
      specs.push({
        ...base,
        code: code.expense(p, c),
        name: `Expense: ${p} (${c})`,
        type: 'expense',
        normalSide: 'debit',
        currency: c,
        role: 'expense',
      });
    }
  }
  return specs;
}

/** The net-assets account of one pot in one currency (never below zero). */
export function potAccountSpec(fundId: string, currency: string, p: Pot): AccountSpec {
  return {
    fundId,
    code: code.pot(p.code, currency),
    name: `Pot: ${p.name} (${currency})`,
    type: 'net_assets',
    normalSide: 'credit',
    currency,
    role: 'pot',
    pot: p.code,
    nonNegative: true,
  };
}

/*
 * Pots made on demand, one per victim or per claim, named by id so that two requests needing the
 * same pot find the same row (a pot code allows 40 characters: prefix + 32 hex digits).
 * - trust: money held in trust for one victim (paid into the fund for them, or a child's award);
 *   it is only ever paid out to that victim, whatever the purpose.
 * - committed: a State-fund award decided but not yet paid; only that award is paid from it.
 */
const hex = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
export const trustPotCode = (victimId: string) => `trust_${hex(victimId)}`;
export const awardPotCode = (claimId: string) => `award_${hex(claimId)}`;

export function trustPot(victimId: string, victimReference: string): Pot {
  return {
    code: trustPotCode(victimId),
    name: `Held in trust for ${victimReference}`,
    kind: 'trust',
    purposes: [...PURPOSES],
    beneficiaries: null, // the pot is the one victim's: dedicatedPot pays only them from it
  };
}

export function committedPot(claimId: string, claimReference: string): Pot {
  return {
    code: awardPotCode(claimId),
    name: `Committed to the award of ${claimReference}`,
    kind: 'committed',
    purposes: ['compensation_award'],
    beneficiaries: null, // checked when the award was committed; only that award is paid from it
  };
}

function account(fund: Fund, accountCode: string): string {
  const id = fund.accounts.get(accountCode);
  if (!id) throw new Error(`fund ${fund.id} has no account ${accountCode}`);
  return id;
}

/** Money in: bank up, revenue by source; the same amount allocated into the pot. */
export function receiptPostings(
  fund: Fund,
  r: { source: string; pot: string; currency: string; amount: bigint },
): PostingInput[] {
  const c = r.currency;
  return [
    { accountId: account(fund, code.bank(c)), side: 'debit', amount: r.amount },
    { accountId: account(fund, code.revenue(r.source, c)), side: 'credit', amount: r.amount },
    { accountId: account(fund, code.allocated(c)), side: 'debit', amount: r.amount },
    { accountId: account(fund, code.pot(r.pot, c)), side: 'credit', amount: r.amount },
  ];
}

export function transferPostings(
  fund: Fund,
  t: { from: string; to: string; currency: string; amount: bigint },
): PostingInput[] {
  return [
    { accountId: account(fund, code.pot(t.from, t.currency)), side: 'debit', amount: t.amount },
    { accountId: account(fund, code.pot(t.to, t.currency)), side: 'credit', amount: t.amount },
  ];
}

/** Money out for a purpose: expense up, bank down; the pot gives up the same amount. */
export function disbursementLines(
  fund: Fund,
  d: { pot: string; purpose: string; currency: string; amount: bigint },
): PostingInput[] {
  const c = d.currency;
  // The pot first: when money is short, the refusal names the pot (locks go in id order anyway).
  return [
    { accountId: account(fund, code.pot(d.pot, c)), side: 'debit', amount: d.amount },
    { accountId: account(fund, code.allocated(c)), side: 'credit', amount: d.amount },
    { accountId: account(fund, code.expense(d.purpose, c)), side: 'debit', amount: d.amount },
    { accountId: account(fund, code.bank(c)), side: 'credit', amount: d.amount },
  ];
}

/**
 * Money out for a purpose, paid in another currency: the award currency's pot, expense and the
 * FX clearing account; then the payout currency's clearing account and bank (payout + fees).
 */
export function fxDisbursementLines(
  fund: Fund,
  d: {
    pot: string;
    purpose: string;
    currency: string;
    amount: bigint;
    payoutCurrency: string;
    payoutTotal: bigint;
  },
): PostingInput[] {
  const c = d.currency;
  const p = d.payoutCurrency;
  return [
    { accountId: account(fund, code.pot(d.pot, c)), side: 'debit', amount: d.amount },
    { accountId: account(fund, code.allocated(c)), side: 'credit', amount: d.amount },
    { accountId: account(fund, code.expense(d.purpose, c)), side: 'debit', amount: d.amount },
    { accountId: account(fund, code.fx(c, p, c)), side: 'credit', amount: d.amount },
    { accountId: account(fund, code.fx(c, p, p)), side: 'debit', amount: d.payoutTotal },
    { accountId: account(fund, code.bank(p)), side: 'credit', amount: d.payoutTotal },
  ];
}
