import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { PROBLEMS, problemType, type ProblemName } from './problems';

export interface FieldError {
  path: string;
  message: string;
}

/**
 * A failure the caller can act on; mapped to application/problem+json (RFC 9457). It carries
 * only its kind (see problems.ts), the detail and extension members: the one table in
 * problems.ts gives each kind its `type`, `title` and HTTP status at the edge, so no thrower
 * picks a status.
 */
export class AppError extends Error {
  constructor(
    readonly kind: ProblemName,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  get type(): string {
    return problemType(this.kind);
  }
  /** The status the edge answers with, read from the table (callers sort by it: 5xx is a bug). */
  get status(): number {
    return PROBLEMS[this.kind].status;
  }
  get title(): string {
    return PROBLEMS[this.kind].title;
  }
}

/**
 * What a service throws: an error named after what happened in its domain
 * (`TransitionNotAllowed`, `InsufficientFunds`, …), declared in the domain's own
 * `<domain>.errors.ts`. A subclass names its problem kind and nothing else.
 */
export class DomainError extends AppError {}

export class ValidationError extends AppError {
  constructor(
    readonly errors: FieldError[],
    detail = 'The request is not valid.',
  ) {
    super('invalid-request', detail, { errors });
  }
}
export class BadRequestError extends AppError {
  constructor(detail: string) {
    super('bad-request', detail);
  }
}
/** A date earlier than the one it must follow; `errors` names both dates. */
export class DatesOutOfOrderError extends AppError {
  constructor(
    readonly errors: FieldError[],
    detail = 'A date is earlier than the date it must follow.',
  ) {
    super('dates-out-of-order', detail, { errors });
  }
}
export class UnauthorizedError extends AppError {
  constructor(detail = 'A valid bearer token is required.') {
    super('unauthorized', detail);
  }
}
export class ForbiddenError extends AppError {
  constructor(detail = 'Your role may not do this.') {
    super('forbidden', detail);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super('not-found', `No such ${what}.`);
  }
}
/**
 * Any 409: the record's state does not allow this. Services throw a named domain error instead;
 * `instanceof ConflictError` holds for every problem the table answers with 409, whichever
 * domain threw it, so a caller can tell "refused by the state of things" from a bug.
 */
export class ConflictError extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super('conflict', detail, extra);
  }
  static override [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    // a subclass (should one appear) keeps the ordinary prototype check
    if (this !== ConflictError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return value instanceof AppError && PROBLEMS[value.kind].status === 409;
  }
}
/** The Idempotency-Key came before with a different request (see idempotency.ts). */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'idempotency-key-reused',
      'This Idempotency-Key was already used with a different request; use a new key for a new operation.',
    );
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(
    detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super('service-unavailable', detail);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too-many-requests', detail);
  }
}

const DATABASE_BUSY = {
  'database-busy': { retryAfter: 1, detail: 'Every database connection is busy; try again in a second.' },
  'lock-timeout': {
    retryAfter: 1,
    detail: 'Another operation holds the records this one needs; try again in a second.',
  },
  'statement-timeout': {
    retryAfter: 5,
    detail: 'The database did not finish this in time; try again in a few seconds.',
  },
} as const;

/**
 * The database could not serve this request in time — a row lock held past lock_timeout, a
 * statement past statement_timeout, no connection free within the acquire timeout. Nothing was
 * written (the transaction rolled back); the same request may simply be sent again.
 */
export class DatabaseBusyError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(readonly reason: keyof typeof DATABASE_BUSY) {
    super(reason, DATABASE_BUSY[reason].detail);
    this.retryAfterSeconds = DATABASE_BUSY[reason].retryAfter;
  }
}

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014'; // statement_timeout (or an operator's pg_cancel_backend)
// pg-pool's own words: waiting for a free connection, resp. for a new one to open.
const POOL_TIMEOUTS = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

/** A driver error that only says "busy, retry", as its problem; undefined for anything else. */
export function databaseBusyOf(err: unknown): DatabaseBusyError | undefined {
  if (err instanceof DatabaseBusyError) return err;
  if (typeof err !== 'object' || err === null || err instanceof AppError) return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === LOCK_NOT_AVAILABLE) return new DatabaseBusyError('lock-timeout');
  if (code === QUERY_CANCELED) return new DatabaseBusyError('statement-timeout');
  if (typeof message === 'string' && POOL_TIMEOUTS.includes(message))
    return new DatabaseBusyError('database-busy');
  return undefined;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not-found', `No route for ${req.method} ${req.path}.`));
};

/** What body-parser and http-errors put on the errors they raise; anything may be missing. */
interface ParserError {
  type?: unknown;
  limit?: unknown;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
}

/** Maps body-parser's own errors (which carry `type` and `status`) to problems. */
function fromBodyParser(err: ParserError | undefined): AppError | undefined {
  switch (err?.type) {
    case 'entity.too.large':
      return new AppError('payload-too-large', `The body is larger than ${String(err.limit)} bytes.`);
    case 'entity.parse.failed':
      return new AppError('malformed-json', 'The body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported-media-type', 'The body must be UTF-8 JSON.');
    case 'request.aborted':
      return new AppError('bad-request', 'The request was aborted.');
    case 'parameters.too.many':
      return new AppError('payload-too-large', 'The form has more fields than allowed.');
    case 'entity.verify.failed':
    case 'request.size.invalid':
      return new AppError('bad-request', 'The body does not match its headers.');
    default:
      return fromHttpError(err);
  }
}

/**
 * Any other client error a parser raises (http-errors with `expose` and a 4xx status): mapped
 * by status, so a parser upgrade with a new error type still answers a problem, never a 500.
 */
function fromHttpError(err: ParserError | undefined): AppError | undefined {
  const status = Number(err?.status ?? err?.statusCode);
  if (err?.expose !== true || !(status >= 400 && status < 500)) return undefined;
  if (status === 413) return new AppError('payload-too-large', 'The body is larger than allowed.');
  if (status === 415) return new AppError('unsupported-media-type', 'The body’s encoding is not supported.');
  return new AppError('bad-request', 'The request body cannot be read as sent.');
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const busy = databaseBusyOf(err);
    const known = busy ?? (err instanceof AppError ? err : fromBodyParser(err));
    const requestId = String(res.getHeader('x-request-id') ?? '');
    const log: Logger = req.log ?? logger;
    if (busy) {
      // Load, not a bug: a line to count, without a stack or the statement's parameters.
      log.warn({ requestId, problem: busy.kind }, 'database busy; answered 503');
    } else if (!known) {
      log.error({ err, requestId }, 'unhandled error');
    }
    const problem =
      known ?? new AppError('internal-error', `Something went wrong; quote request id ${requestId}.`);
    const retryAfter =
      problem instanceof TooManyRequestsError ||
      problem instanceof ServiceUnavailableError ||
      problem instanceof DatabaseBusyError
        ? problem.retryAfterSeconds
        : undefined;
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    if (res.headersSent) return;
    res.status(PROBLEMS[problem.kind].status).type('application/problem+json').json(problemBody(problem));
  };
}

/** RFC 9457's own members; an extension may never overwrite one of them. */
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance']);

/** The problem+json body: the standard members, then every extension that does not clash. */
export function problemBody(problem: AppError): Record<string, unknown> {
  const extensions = Object.entries(problem.extra).filter(([k]) => !STANDARD_MEMBERS.has(k));
  return {
    type: problemType(problem.kind),
    title: PROBLEMS[problem.kind].title,
    status: PROBLEMS[problem.kind].status,
    detail: problem.message,
    ...Object.fromEntries(extensions),
  };
}
