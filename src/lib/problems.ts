/**
 * Every kind of problem the service answers with, each with its own stable `type` URI: clients
 * branch on `type`, never on the English of `title` or `detail`. This table is the one place
 * that maps a kind to its HTTP status; the README lists it (a test keeps the two in step).
 */
export const PROBLEM_BASE = 'https://redress.example/problems/';

export interface ProblemKind {
  status: number;
  title: string;
  /** what it means for the client, for the README's table */
  meaning: string;
}

export const PROBLEMS = {
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    meaning: 'A field is missing, malformed or out of range; `errors` lists each with its path.',
  },
  'bad-request': { status: 400, title: 'Bad request', meaning: 'The request cannot be read as sent.' },
  'malformed-json': { status: 400, title: 'Malformed JSON', meaning: 'The body is not valid JSON.' },
  'dates-out-of-order': {
    status: 400,
    title: 'Dates out of order',
    meaning: 'A date is earlier than the date it must follow; `errors` names both dates.',
  },
  'amount-out-of-range': {
    status: 400,
    title: 'Amount out of range',
    meaning: 'An amount or balance is too large to book.',
  },
  unauthorized: { status: 401, title: 'Unauthorized', meaning: 'No valid bearer token or credentials.' },
  forbidden: { status: 403, title: 'Forbidden', meaning: 'The role may never do this.' },
  'not-found': {
    status: 404,
    title: 'Not found',
    meaning: 'No such record, or it is outside the caller’s need-to-know.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    meaning: 'The record’s current state does not allow this; `detail` says why.',
  },
  'transition-not-allowed': {
    status: 409,
    title: 'Transition not allowed',
    meaning: 'The claim or disbursement cannot move to that state from its current one.',
  },
  'insufficient-funds': {
    status: 409,
    title: 'Insufficient funds',
    meaning: 'No pot (or bank account) that may pay this has enough available.',
  },
  'restriction-excludes-use': {
    status: 409,
    title: 'Restriction excludes use',
    meaning: 'A pot’s restriction does not allow this purpose or this beneficiary.',
  },
  'already-reversed': {
    status: 409,
    title: 'Already reversed',
    meaning: 'The entry (or the payment record) was already reversed or voided; it can be once.',
  },
  'idempotency-key-reused': {
    status: 409,
    title: 'Idempotency key reused',
    meaning: 'The Idempotency-Key was used before with a different request.',
  },
  'exceeds-award': {
    status: 409,
    title: 'Exceeds award',
    meaning: 'The payment is more than the award still owes.',
  },
  'approval-threshold-unreachable': {
    status: 409,
    title: 'Approval threshold unreachable',
    meaning: 'The policy needs more approvers than the fund has active administrators.',
  },
  'email-taken': {
    status: 409,
    title: 'E-mail address taken',
    meaning: 'A user with this e-mail address already exists.',
  },
  'cannot-deactivate-self': {
    status: 409,
    title: 'Cannot deactivate self',
    meaning: 'An administrator cannot deactivate their own account; another one can.',
  },
  'already-approved': {
    status: 409,
    title: 'Already approved',
    meaning: 'You already approved this disbursement; a different approver is needed.',
  },
  'not-payable': {
    status: 409,
    title: 'Not payable',
    meaning: 'The award or the pot named cannot pay this; `detail` says why.',
  },
  'consent-required': {
    status: 409,
    title: 'Consent required',
    meaning: 'The victim has not consented to sharing with the fund agency.',
  },
  'award-below-received': {
    status: 409,
    title: 'Award below received',
    meaning: 'More was already received on a head than the award decided; it cannot be less.',
  },
  'award-outstanding': {
    status: 409,
    title: 'Award outstanding',
    meaning: 'The claim cannot be paid while any of the award is owed, or nothing was awarded.',
  },
  'claim-closed': {
    status: 409,
    title: 'Claim closed',
    meaning: 'The claim is withdrawn or closed; no payment or hearing can be recorded on it.',
  },
  'hearing-not-scheduled': {
    status: 409,
    title: 'Hearing not scheduled',
    meaning: 'The hearing was adjourned, cancelled or held; only a scheduled one changes (`currentStatus`).',
  },
  'hearing-not-yet-held': {
    status: 409,
    title: 'Hearing not yet held',
    meaning: 'A hearing’s outcome is recorded from its day on.',
  },
  'no-fund-claim': {
    status: 409,
    title: 'No fund claim',
    meaning: 'The victim has no State-fund claim in this currency to receive the money.',
  },
  'currency-mismatch': {
    status: 409,
    title: 'Currency mismatch',
    meaning: 'The award is in another currency; it is settled in its own.',
  },
  'paid-by-disbursement': {
    status: 409,
    title: 'Paid by disbursement',
    meaning: 'The payment came from a fund disbursement; correct it in the fund, not here.',
  },
  'record-gone': {
    status: 409,
    title: 'Record gone',
    meaning: 'A record this one depends on no longer exists.',
  },
  'reservation-resolved': {
    status: 409,
    title: 'Reservation resolved',
    meaning: 'The money reserved for this was already released or paid; it cannot change.',
  },
  'proposal-resolved': {
    status: 409,
    title: 'Proposal resolved',
    meaning: 'The ledger entry proposal was already approved or rejected; it cannot change.',
  },
  'approval-required': {
    status: 409,
    title: 'Approval required',
    meaning: 'A manual entry on a fund’s pots or bank needs another administrator’s approval.',
  },
  'no-fx-position': {
    status: 409,
    title: 'No FX position',
    meaning: 'The fund never paid out between these currencies: there is nothing to settle.',
  },
  'settlement-refused': {
    status: 409,
    title: 'Settlement refused',
    meaning: 'The FX settlement does not fit the open position; `detail` says why.',
  },
  'request-timeout': {
    status: 408,
    title: 'Request timeout',
    meaning: 'The request did not arrive completely in time.',
  },
  'payload-too-large': { status: 413, title: 'Payload too large', meaning: 'The body is over the limit.' },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    meaning: 'The body must be UTF-8 JSON (or a form on /status).',
  },
  'document-type-refused': {
    status: 415,
    title: 'Document type refused',
    meaning: 'The content is not an accepted file type; its name and Content-Type do not count.',
  },
  'document-voided': {
    status: 409,
    title: 'Document voided',
    meaning: 'The document was voided (its content deleted): it cannot be downloaded or voided again.',
  },
  'document-integrity-failed': {
    status: 409,
    title: 'Document integrity failed',
    meaning: 'The stored file did not decrypt (altered, damaged or key gone); it is not served.',
  },
  'headers-too-large': {
    status: 431,
    title: 'Request header fields too large',
    meaning: 'The request line (query string) or headers are over the 16 KB limit.',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too many requests',
    meaning: 'Too many failures; `Retry-After` says when to try again.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    meaning: 'A bug; quote the request id from `detail`.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    meaning: 'A dependency (database, Redis, jobs) cannot answer now; retry later.',
  },
  'database-busy': {
    status: 503,
    title: 'Database busy',
    meaning: 'No database connection was free in time; nothing written. See `Retry-After`.',
  },
  'lock-timeout': {
    status: 503,
    title: 'Lock timeout',
    meaning: 'Another operation held the records needed; nothing written. See `Retry-After`.',
  },
  'statement-timeout': {
    status: 503,
    title: 'Statement timeout',
    meaning: 'The database did not finish in time; nothing written. See `Retry-After`.',
  },
} as const satisfies Record<string, ProblemKind>;

export type ProblemName = keyof typeof PROBLEMS;

export const problemType = (name: ProblemName): string => `${PROBLEM_BASE}${name}`;
