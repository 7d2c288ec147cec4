import crypto from 'node:crypto';
import type { Pot } from '../funds/funds';

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
 * The pots a payment for `purpose` may draw on, in the order they are tried: by default the
 * restricted pots that allow the purpose (restricted money is spent on what it was given for),
 * then `unrestricted`; pots named in the fund's `potOrder` come first, in that order. `reserved`
 * (no purposes until released) and victims' trust pots are never picked automatically.
 */
export function candidatePots(
  pots: Pot[],
  purpose: string,
  potOrder: string[],
  requested: string | null,
): Pot[] {
  const allowed = pots.filter(
    (p) => p.purposes.includes(purpose) && (p.kind === 'restricted' || p.kind === 'unrestricted'),
  );
  if (requested !== null) return allowed.filter((p) => p.code === requested);
  const rank = (p: Pot) => {
    const i = potOrder.indexOf(p.code);
    if (i >= 0) return i;
    return potOrder.length + (p.kind === 'restricted' ? 0 : 1);
  };
  return allowed
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
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
