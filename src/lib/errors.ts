import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

export interface FieldError {
  path: string;
  message: string;
}

/** A failure the caller can act on; mapped to application/problem+json (RFC 9457). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  get type(): string {
    return `https://redress.example/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}

export class ValidationError extends AppError {
  constructor(
    readonly errors: FieldError[],
    detail = 'The request is not valid.',
  ) {
    super(400, 'Invalid request', detail, { errors });
  }
}
export class BadRequestError extends AppError {
  constructor(detail: string) {
    super(400, 'Bad request', detail);
  }
}
export class UnauthorizedError extends AppError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'Unauthorized', detail);
  }
}
export class ForbiddenError extends AppError {
  constructor(detail = 'Your role may not do this.') {
    super(403, 'Forbidden', detail);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super(404, 'Not found', `No such ${what}.`);
  }
}
export class ConflictError extends AppError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(409, 'Conflict', detail, extra);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'Too many requests', detail);
  }
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'Not found', `No route for ${req.method} ${req.path}.`));
};

/** Maps body-parser's own errors (which carry `type` and `status`) to problems. */
function fromBodyParser(err: any): AppError | undefined {
  switch (err?.type) {
    case 'entity.too.large':
      return new AppError(413, 'Payload too large', `The body is larger than ${err.limit} bytes.`);
    case 'entity.parse.failed':
      return new AppError(400, 'Malformed JSON', 'The body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'Unsupported media type', 'The body must be UTF-8 JSON.');
    case 'request.aborted':
      return new AppError(400, 'Bad request', 'The request was aborted.');
    default:
      return undefined;
  }
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof AppError ? err : fromBodyParser(err);
    const requestId = String(res.getHeader('x-request-id') ?? '');
    if (!known) {
      const log: Logger = (req as any).log ?? logger;
      log.error({ err, requestId }, 'unhandled error');
    }
    const problem =
      known ?? new AppError(500, 'Internal error', `Something went wrong; quote request id ${requestId}.`);
    if (problem instanceof TooManyRequestsError)
      res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    if (res.headersSent) return;
    res
      .status(problem.status)
      .type('application/problem+json')
      .json({
        type: problem.type,
        title: problem.title,
        status: problem.status,
        detail: problem.message,
        ...problem.extra,
      });
  };
}
