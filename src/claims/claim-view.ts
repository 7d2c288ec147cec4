import type { Route, TransitionRule } from './route-machines';
import type { DeadlineKind } from './deadlines';
import type { PaymentState } from './claims';
import type { NextHearing } from './hearings/hearings';

/**
 * A claim as the API answers it (presentClaim): amounts as decimal strings in the claim's
 * currency. Optional members appear only on some routes or for some audiences (auditors see no
 * case number and no free-text notes), so the JSON keeps exactly the keys it always had.
 */
export interface ClaimHeadView {
  head: string;
  description?: string;
  claimed: string;
  /** State fund, once decided: the decision before the offset, and the offset. */
  decided?: string;
  offset?: string;
  awarded: string;
  received: string;
  heldInTrust: string;
  outstanding: string;
  paymentState: PaymentState;
}

export interface ClaimTotalsView {
  claimed: string;
  awarded: string;
  received: string;
  heldInTrust: string;
  outstanding: string;
}

export interface ClaimDeadlineView {
  kind: DeadlineKind;
  dueOn: string;
  metOn: string | null;
  status: string;
  basis: string;
  recordedOn: string | null;
  pastWhenRecorded: boolean;
}

export interface ClaimHistoryView {
  from: string | null;
  to: string;
  at: string;
  occurredOn: string;
  by: string;
  note?: string | null;
  award?: unknown;
  hearingOn?: string;
}

export interface ClaimView {
  id: string;
  reference: string;
  victimId: string;
  route: Route;
  mode?: string | null;
  fundId?: string | null;
  jurisdiction: string;
  forum: string | null;
  caseNumber?: string | null;
  respondent: string | null;
  currency: string;
  status: string;
  statusSince: string;
  filedOn: string;
  causeOfActionOn: string | null;
  assigneeId: string | null;
  heads: ClaimHeadView[];
  totals: ClaimTotalsView;
  paymentState: PaymentState;
  allowedTransitions: string[];
  transitionRequirements: Array<Pick<TransitionRule, 'to' | 'requires' | 'by'>>;
  deadlines?: ClaimDeadlineView[];
  history?: ClaimHistoryView[];
  createdAt: string;
  updatedAt: string;
  /** Not for auditors: the next hearing still scheduled, today or later. */
  nextHearing?: NextHearing | null;
}

/** A payment record as the API shows it (paymentView); auditors get no note and no void reason. */
export interface PaymentView {
  id: string;
  claimId: string;
  head: string;
  amount: string;
  currency: string;
  receivedOn: string;
  payer: string;
  paidTo: string;
  /** Money paid into a fund: the fund, its recovery and the part held in the victim's trust pot. */
  fundId?: string;
  recovery?: string;
  heldInTrust?: string;
  recoveryReceiptId?: string | null;
  trustReceiptId?: string | null;
  disbursementId?: string;
  note?: string | null;
  recordedBy: string;
  recordedAt: string;
  voided: {
    reason?: string;
    voidedBy: string;
    voidedAt: string;
    reversalEntryIds: string[];
  } | null;
}

/** What a State-fund commitment moved, per pot, as a decimal string. */
export interface PotAmountView {
  pot: string;
  amount: string;
}

/** The claim after a move: a State-fund move also says what its commitment moved. */
export interface TransitionView extends ClaimView {
  drawsFrom?: PotAmountView[];
  returnedTo?: PotAmountView[];
  /** Only a `?preview=true` answer: nothing was changed. */
  preview?: true;
}

/** A payment record with the claim after the change it made. */
export interface PaymentWithClaimView extends PaymentView {
  claim: ClaimView;
}
