import { DomainError } from '../lib/errors';

/** The disbursements' own refusals; problems.ts gives each its status. */

/** The disbursement's state machine (see disbursements.ts) has no such move. */
export class TransitionNotAllowed extends DomainError {
  constructor(from: string, to: string) {
    super('transition-not-allowed', `The disbursement is ${from}; it cannot become ${to}.`, {
      currentStatus: from,
    });
  }
}

/** Maker-checker: each approval comes from a different administrator. */
export class AlreadyApproved extends DomainError {
  constructor() {
    super(
      'already-approved',
      'You have already approved this disbursement; a second, different approver is needed.',
    );
  }
}

/** The award, or the pot dedicated to it, cannot pay: `refusal` says why. */
export class NotPayable extends DomainError {
  constructor(what: 'award' | 'disbursement', refusal: string) {
    super(
      'not-payable',
      what === 'award'
        ? `Nothing can be paid on this award: ${refusal}.`
        : `This disbursement cannot be paid: ${refusal}.`,
    );
  }
}

/** The policy needs more distinct administrators than the fund has active. */
export class ApprovalThresholdUnreachable extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super('approval-threshold-unreachable', detail, extra);
  }
}
