import { DomainError } from '../lib/errors';

/** The claims' own refusals; problems.ts gives each its status. */

/** The route's state machine (see route-machines.ts) has no such move from here. */
export class TransitionNotAllowed extends DomainError {
  constructor(detail: string, allowedTransitions: string[]) {
    super('transition-not-allowed', detail, { allowedTransitions });
  }
}

/** More money than the award (or, before one, the claim) still owes. */
export class ExceedsAward extends DomainError {
  constructor(detail: string) {
    super('exceeds-award', detail);
  }
}

/** Information goes to the fund agency only with the victim's consent. */
export class ConsentRequired extends DomainError {
  constructor() {
    super('consent-required', 'The victim has not consented to sharing with the fund agency.');
  }
}

/** A decided award may not be less than what was already received on that head. */
export class AwardBelowReceived extends DomainError {
  constructor(detail: string) {
    super('award-below-received', detail);
  }
}

/** `paid` needs an award, all of it received. */
export class AwardOutstanding extends DomainError {
  constructor(detail: string) {
    super('award-outstanding', detail);
  }
}

/** A withdrawn or closed claim takes no more payments. */
export class ClaimClosed extends DomainError {
  constructor(status: string, what = 'no payment can be recorded on it') {
    super('claim-closed', `The claim is ${status}; ${what}.`);
  }
}

/** Only a scheduled hearing is rescheduled, adjourned, cancelled or given an outcome. */
export class HearingNotScheduled extends DomainError {
  constructor(status: string) {
    super('hearing-not-scheduled', `The hearing is ${status}; only a scheduled hearing can be changed.`, {
      currentStatus: status,
    });
  }
}

/** A hearing's outcome is recorded from its day on, not before it sat. */
export class HearingNotYetHeld extends DomainError {
  constructor(scheduledOn: string) {
    super(
      'hearing-not-yet-held',
      `The hearing is scheduled for ${scheduledOn}; its outcome can be recorded from that day.`,
    );
  }
}

/** Recovered money goes to the fund of the victim's State-fund claim; there is none. */
export class NoFundClaim extends DomainError {
  constructor(currency: string) {
    super(
      'no-fund-claim',
      `The victim has no State-fund claim in ${currency}; record the money as paid to the victim.`,
    );
  }
}

/** An award is settled in its own currency. */
export class CurrencyMismatch extends DomainError {
  constructor(currency: string) {
    super('currency-mismatch', `The award is in ${currency}; it is settled in that currency.`);
  }
}

/** The payment was recorded by a fund disbursement, so the fund corrects it. */
export class PaidByDisbursement extends DomainError {
  constructor() {
    super(
      'paid-by-disbursement',
      'This payment was recorded by a fund disbursement marked paid; it is corrected in the fund, not voided here.',
    );
  }
}

/** A payment record is voided once. */
export class PaymentAlreadyVoided extends DomainError {
  constructor(voidedOn: string) {
    super('already-reversed', `This payment record was voided on ${voidedOn}; a record is voided once.`);
  }
}

/** A record this change depends on was removed meanwhile ("The fund of this claim"). */
export class RecordGone extends DomainError {
  constructor(what: string) {
    super('record-gone', `${what} no longer exists.`);
  }
}
