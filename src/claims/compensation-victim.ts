import type { HeadAmounts } from './claims';
import { reachedVictim, type SummaryPayment } from './compensation';

/**
 * One claim as the victim sees it: money held for them in trust by a fund, what has really
 * reached them, and what may still come. Pure.
 *
 * Money goes into the victim's trust pot in two ways: the part of a payment made into the fund
 * that is the victim's (`trust` on a payment with `paidTo = 'fund'`), and a child's State-fund
 * award that a disbursement with `hold_in_trust` put there instead of paying it out. It counts as
 * received on the claim (the debt is settled), but the family has not got it until the fund pays
 * it out of the pot (a disbursement drawing on the trust pot: a release).
 */
export interface TrustDeposit {
  claimId: string;
  head: string;
  currency: string;
  fundId: string;
  amount: bigint;
}

/** A paid disbursement out of the victim's trust pot in `fundId`. */
export interface TrustRelease {
  fundId: string;
  currency: string;
  amount: bigint;
}

export interface HeldInTrust {
  claimId: string;
  head: string;
  currency: string;
  held: bigint;
}

/**
 * What each deposit still holds once releases are counted. A release names no claim, so it pays
 * out the oldest money of its pot first (deposits come in the order they were received). A
 * release beyond the deposits (money moved into the pot by hand) is no claim's.
 */
export function stillHeld(deposits: TrustDeposit[], releases: TrustRelease[]): HeldInTrust[] {
  const released = new Map<string, bigint>();
  for (const r of releases) {
    const key = `${r.fundId}/${r.currency}`;
    released.set(key, (released.get(key) ?? 0n) + r.amount);
  }
  return deposits.map((d) => {
    const key = `${d.fundId}/${d.currency}`;
    const left = released.get(key) ?? 0n;
    const out = left < d.amount ? left : d.amount;
    released.set(key, left - out);
    return { claimId: d.claimId, head: d.head, currency: d.currency, held: d.amount - out };
  });
}

/** `no_award` before any award; else whether what was received covers it, part of it, or none. */
export type PaymentState = 'no_award' | 'unpaid' | 'partly_paid' | 'paid';

export interface ClaimMoney {
  awarded: bigint;
  received: bigint;
  /** Money of this claim that reached the victim's own hands (not held in trust, not the fund's recovery). */
  paid: bigint;
  heldInTrust: bigint;
  paymentState: PaymentState;
  /**
   * What may still come to the victim on this claim: per head, what it awarded and has not paid,
   * but no more than the head still owes overall (another route may have paid the same loss).
   */
  stillOwed: bigint;
}

export function paymentState(awarded: bigint, received: bigint): PaymentState {
  if (awarded <= 0n) return 'no_award';
  if (received <= 0n) return 'unpaid';
  return received < awarded ? 'partly_paid' : 'paid';
}

/** One claim's figures as the victim sees them; `headOwed` is a head's still-owed figure overall. */
export function claimMoney(
  claim: { id: string; currency: string; heads: HeadAmounts[] },
  payments: SummaryPayment[],
  held: HeldInTrust[],
  headOwed: (currency: string, head: string) => bigint,
): ClaimMoney {
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const awarded = sum(claim.heads.map((h) => h.awarded));
  const received = sum(claim.heads.map((h) => h.received));
  const toVictim = sum(payments.filter((p) => p.claimId === claim.id).map(reachedVictim));
  const heldInTrust = sum(held.filter((h) => h.claimId === claim.id).map((h) => h.held));
  const paid = toVictim > heldInTrust ? toVictim - heldInTrust : 0n;
  const stillOwed = sum(
    claim.heads.map((h) => {
      const open = h.awarded > h.received ? h.awarded - h.received : 0n;
      const owed = headOwed(claim.currency, h.head);
      return open < owed ? open : owed;
    }),
  );
  return { awarded, received, paid, heldInTrust, paymentState: paymentState(awarded, received), stillOwed };
}
