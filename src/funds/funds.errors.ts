import { DomainError } from '../lib/errors';

/** The funds' own refusals; problems.ts gives each its status. */

/** A pot's restriction does not allow this purpose or this beneficiary. */
export class RestrictionExcludesUse extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super('restriction-excludes-use', detail, extra);
  }
}

/**
 * A currency the fund holds has accounts, and the books keep every account. Its type stays the
 * generic `conflict`: clients already branch on it.
 */
export class CurrencyInUse extends DomainError {
  constructor(dropped: string[], held: string[]) {
    super(
      'conflict',
      `A currency the fund holds has accounts and cannot be removed: ${dropped.join(', ')}. List every currency the fund holds, plus the ones to add.`,
      { currencies: held },
    );
  }
}

/** Nothing was ever paid out between the two currencies, so no FX position exists. */
export class NoFxPosition extends DomainError {
  constructor(a: string, b: string) {
    super(
      'no-fx-position',
      `This fund has never paid out between ${a} and ${b}: there is no position to settle.`,
    );
  }
}

/** The settlement does not fit the open position (see planSettlement). */
export class SettlementRefused extends DomainError {
  constructor(refusal: string) {
    super('settlement-refused', `The settlement cannot be booked: ${refusal}.`);
  }
}
