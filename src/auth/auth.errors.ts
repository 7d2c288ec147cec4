import { DomainError } from '../lib/errors';

/** Accounts' own refusals; problems.ts gives each its status. */

export class EmailTaken extends DomainError {
  constructor() {
    super('email-taken', 'A user with this e-mail address already exists.');
  }
}

/** An administrator switching themself off could leave an office with none. */
export class CannotDeactivateSelf extends DomainError {
  constructor() {
    super('cannot-deactivate-self', 'You cannot deactivate your own account; another administrator can.');
  }
}
