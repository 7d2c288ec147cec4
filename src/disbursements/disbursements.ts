import crypto from 'node:crypto';
import Decimal from 'decimal.js';
import { fromDecimal, parseMoney, toDecimal } from '../lib/money';
import { awardPotCode, trustPotCode, type Pot } from '../funds/funds';

/** Disbursements: vocabulary and the pure rules of maker-checker and pot selection. */

export const CHANNELS = ['bank_transfer', 'mobile_money', 'cash', 'cheque', 'partner_organization'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STATUSES = ['requested', 'approved', 'rejected', 'paid', 'failed'] as const;
export type Status = (typeof STATUSES)[number];

/** Channels whose payment cannot be made without knowing the payee. */
export const PAYEE_REQUIRED: ReadonlySet<Channel> = new Set([
  'bank_transfer',
  'mobile_money',
  'cheque',
  'partner_organization',
]);

export interface Disbursement {
  id: string;
  fundId: string;
  victimId: string;
  claimId: string | null;
  purpose: string;
  amount: bigint;
  currency: string;
  requestedPot: string | null;
  pot: string | null;
  rationale: string;
  channel: Channel;
  hasPayee: boolean;
  paymentReference: string;
  status: Status;
  approvalsRequired: number;
  approvals: Array<{ approverId: string; approvedAt: Date }>;
  reservationId: string | null;
  entryId: string | null;
  requestedBy: string;
  requestedAt: Date;
  approvedAt: Date | null;
  paidOn: string | null;
  externalReference: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionReason: string | null;
  holdInTrust: boolean;
  payout: Payout | null;
}

/** A payout in another currency: what the payee receives, the fees, and the rate used. */
export interface Payout {
  currency: string;
  amount: bigint;
  fees: bigint;
  rate: string;
  rateSource: string;
  rateDate: string;
  /**
   * 'fund': the fund holds the payout currency and pays from its bank there (fees in the payout
   * currency); 'bank': it does not, and its bank converts at payout (fees in the disbursement
   * currency, which is what leaves the fund).
   */
  convertedBy: 'fund' | 'bank';
}

/** The currency a payout's fees are charged in. */
export const feeCurrencyOf = (p: Pick<Payout, 'convertedBy' | 'currency'>, currency: string) =>
  p.convertedBy === 'fund' ? p.currency : currency;

/**
 * Converts at the stated rate (payout units per unit of the disbursement currency), rounding
 * half to even to the payout currency's minor unit. The payee receives the converted amount;
 * the fees come on top, borne by the fund. Returns why it cannot, or the payout.
 */
export function convertPayout(
  amount: bigint,
  currency: string,
  p: { currency: string; rate: string; rateSource: string; rateDate: string; fees?: string },
  today: string,
  convertedBy: Payout['convertedBy'] = 'fund',
): { payout: Payout } | { path: string; message: string } {
  if (p.currency === currency)
    return { path: 'payout.currency', message: `the payout currency must differ from ${currency}` };
  const rate = new Decimal(p.rate);
  if (rate.lte(0)) return { path: 'payout.rate', message: 'must be greater than zero' };
  if (p.rateDate > today) return { path: 'payout.rateDate', message: 'must not be in the future' };
  const converted = fromDecimal(toDecimal(amount, currency).mul(rate), p.currency, Decimal.ROUND_HALF_EVEN);
  if (converted <= 0n) return { path: 'payout.rate', message: 'converts the amount to nothing' };
  const feeCurrency = feeCurrencyOf({ convertedBy, currency: p.currency }, currency);
  let fees = 0n;
  try {
    if (p.fees !== undefined) fees = parseMoney(p.fees, feeCurrency);
  } catch (err) {
    return { path: 'payout.fees', message: `fees in ${feeCurrency} ${(err as Error).message}` };
  }
  if (fees < 0n) return { path: 'payout.fees', message: 'must not be negative' };
  return {
    payout: {
      currency: p.currency,
      amount: converted,
      fees,
      rate: rate.toString(),
      rateSource: p.rateSource,
      rateDate: p.rateDate,
      convertedBy,
    },
  };
}

export interface Policy {
  potOrder: string[];
  /** currency → amount (minor units) above which a second, different approver is needed */
  thresholds: Map<string, bigint>;
}

export const DEFAULT_POLICY: Policy = { potOrder: [], thresholds: new Map() };

/** One approver, or two when the fund sets a threshold for the currency and the amount is above it. */
export function approvalsRequired(amount: bigint, threshold: bigint | undefined): 1 | 2 {
  return threshold !== undefined && amount > threshold ? 2 : 1;
}

/**
 * The one pot a disbursement must draw on when it is tied to money kept for one person: the
 * victim's trust pot when named (a release), or the claim's committed pot for its State-fund
 * award (also when the award is held in trust). `null`: the fund chooses (`payingPots`).
 * A refusal names why nothing may be drawn.
 */
export function dedicatedPot(
  pots: Pot[],
  d: {
    victimId: string;
    claimId: string | null;
    purpose: string;
    requestedPot: string | null;
    holdInTrust: boolean;
  },
): { pot: Pot } | { refusal: string; path: string } | null {
  const find = (c: string) => pots.find((p) => p.code === c);
  const named = d.requestedPot === null ? undefined : find(d.requestedPot);
  if (named?.kind === 'trust') {
    if (named.code !== trustPotCode(d.victimId))
      return { refusal: `pot "${named.code}" is held in trust for another victim`, path: 'pot' };
    if (d.holdInTrust)
      return { refusal: 'money already in trust cannot be put in trust again', path: 'holdInTrust' };
    return { pot: named };
  }
  const award = d.purpose === 'compensation_award' && d.claimId !== null;
  if (named?.kind === 'committed' && (!award || named.code !== awardPotCode(d.claimId!)))
    return { refusal: `pot "${named.code}" pays only the award it is committed to`, path: 'pot' };
  if (d.holdInTrust && !award)
    return {
      refusal: 'only a State-fund award (compensation_award with claimId) is held in trust',
      path: 'holdInTrust',
    };
  if (!award) return null;
  const committed = find(awardPotCode(d.claimId!));
  if (d.requestedPot !== null && named !== committed)
    return {
      refusal: `the award of this claim is paid from its committed pot, not "${d.requestedPot}"`,
      path: 'pot',
    };
  if (!committed)
    return {
      refusal: 'nothing is committed for this claim: the fund has not decided an award on it',
      path: 'claimId',
    };
  return { pot: committed };
}

export type PotChoice =
  | { ok: true; pot: Pot }
  | { ok: false; reason: 'no_pot_allows' }
  | { ok: false; reason: 'insufficient'; available: Array<{ pot: string; available: bigint }> };

/** The first candidate that can cover the whole amount (a payment is never split across pots). */
export function choosePot(candidates: Array<{ pot: Pot; available: bigint }>, amount: bigint): PotChoice {
  if (candidates.length === 0) return { ok: false, reason: 'no_pot_allows' };
  const hit = candidates.find((c) => c.available >= amount);
  if (hit) return { ok: true, pot: hit.pot };
  return {
    ok: false,
    reason: 'insufficient',
    available: candidates.map((c) => ({ pot: c.pot.code, available: c.available })),
  };
}

// No 0/O or 1/I/L: references are read out over the phone to banks and partners.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The reference a bank, wallet or partner sees. Random and meaningless on purpose: it must never
 * reveal why the money is paid or to whom (no "trafficking", "victim", name or case reference).
 */
export function newPaymentReference(): string {
  let out = 'PAY-';
  for (let i = 0; i < 10; i++) out += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return out;
}

const TRANSITIONS: Record<Status, readonly Status[]> = {
  requested: ['approved', 'rejected'],
  approved: ['paid', 'failed', 'rejected'],
  rejected: [],
  paid: [],
  failed: [],
};

export function canMove(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The fund administrators a disbursement needs under maker-checker: its requester, who may not
 * approve, plus one approver, or two different ones when the fund sets a threshold (any
 * currency) and the amount is above it.
 */
export function administratorsNeeded(hasThreshold: boolean): number {
  return 1 + (hasThreshold ? 2 : 1);
}
