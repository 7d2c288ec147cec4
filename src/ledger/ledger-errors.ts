import { AppError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { formatMoney, isCurrency } from '../lib/money';

/** The books' own refusals; problems.ts gives each its status. */

/** No pot (or bank account) that may pay this has enough available. */
export class InsufficientFunds extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super('insufficient-funds', detail, extra);
  }
}

/** An entry is reversed once (ledger_entries_reversed_once); so is a payment record voided. */
export class EntryAlreadyReversed extends DomainError {
  constructor(detail = 'This entry has already been reversed; an entry can be reversed once.') {
    super('already-reversed', detail);
  }
}

/** A reservation already released or posted cannot be released or posted again. */
export class ReservationResolved extends DomainError {
  constructor(detail: string) {
    super('reservation-resolved', detail);
  }
}

/** A proposal of a manual entry, once approved or rejected, stays so. */
export class ProposalAlreadyResolved extends DomainError {
  constructor(detail = 'The proposal is already resolved; it cannot change.') {
    super('proposal-resolved', detail);
  }
}

/** Maker-checker: fund money moves by hand only through an approved proposal. */
export class ManualEntryNeedsApproval extends DomainError {
  constructor() {
    super(
      'approval-required',
      'A manual entry on a fund’s pots or bank needs a proposal approved by another fund administrator.',
    );
  }
}

/** bigint minor units overflow the column (numeric out of range). */
export class AmountOutOfRange extends DomainError {
  constructor() {
    super('amount-out-of-range', 'An amount or balance is out of range.');
  }
}

/**
 * PostgreSQL enforces the books (see the ledger migration); its refusals arrive here as driver
 * errors with our own SQLSTATEs and become the problems the API documents.
 */
/** The database's own refusal to take an account below zero, with the account's figures. */
export class AccountOverdrawnError extends InsufficientFunds {
  constructor(info: {
    accountId: string;
    code: string;
    pot: string | null;
    currency: string;
    available: string;
    requested: string;
  }) {
    const money = (v: string) =>
      isCurrency(info.currency) ? `${formatMoney(v, info.currency)} ${info.currency}` : v;
    const where = info.pot ? `pot "${info.pot}"` : `account ${info.code}`;
    super(
      `Insufficient funds: ${where} has ${money(info.available)} available; ${money(info.requested)} requested.`,
      {
        pot: info.pot,
        accountId: info.accountId,
        currency: info.currency,
        available: isCurrency(info.currency) ? formatMoney(info.available, info.currency) : info.available,
        requested: isCurrency(info.currency) ? formatMoney(info.requested, info.currency) : info.requested,
      },
    );
  }
}

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
  message?: string;
}

export function ledgerErrorOf(err: unknown): AppError | undefined {
  if (err instanceof AppError || typeof err !== 'object' || err === null) return undefined;
  const e = err as PgError;
  switch (e.code ?? '') {
    case 'RL001':
      return new AccountOverdrawnError(JSON.parse(e.detail ?? '{}'));
    case 'RL002':
    case 'RL003':
    case 'RL004':
      return new ValidationError([{ path: 'postings', message: e.message ?? 'invalid entry' }], e.message);
    case 'RL005':
      return new ReservationResolved(
        `${(e.message ?? 'The reservation is resolved').replace(/^./, (c) => c.toUpperCase())}.`,
      );
    case 'RL006':
      return new NotFoundError('reservation');
    // Maker-checker on manual entries (see entry-proposals.ts); the code checks first.
    case 'RL020':
      return new ForbiddenError('The proposer of a ledger entry may not approve it.');
    case 'RL021':
      return new ProposalAlreadyResolved();
    case 'RL022':
      return new ManualEntryNeedsApproval();
    case '23505':
      if (e.constraint === 'ledger_entries_reversed_once') return new EntryAlreadyReversed();
      return undefined;
    case '23514':
      if (e.constraint === 'ledger_accounts_available_non_negative')
        return new InsufficientFunds('Insufficient funds: the account may not go below zero.');
      return undefined;
    case '22003':
      return new AmountOutOfRange();
    default:
      return undefined;
  }
}

/** Runs `fn`, turning the database's refusals into problems; anything else passes through. */
export async function withLedgerErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw ledgerErrorOf(err) ?? err;
  }
}
