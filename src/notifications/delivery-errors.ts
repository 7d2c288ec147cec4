/**
 * SMTP servers and mail providers echo the recipient in their errors ("<someone@example.org>:
 * Recipient address rejected"), and database errors can quote values. Whatever a job throws is
 * reduced to a category and a code before it is logged, stored in Redis (a Bull job's
 * failedReason and stacktrace) or shown to admins, who must not see identities.
 */

export type DeliveryErrorCategory =
  | 'recipient_rejected'
  | 'recipient_deferred'
  | 'sender_rejected'
  | 'message_rejected'
  | 'smtp_auth_failed'
  | 'smtp_unreachable'
  | 'smtp_timeout'
  | 'smtp_temporary'
  | 'smtp_permanent'
  | 'smtp_protocol'
  | 'mail_storage'
  | 'invalid_message'
  | 'queue_unavailable'
  | 'database'
  | 'internal';

export interface DeliveryErrorSummary {
  category: DeliveryErrorCategory;
  /** The SMTP reply code (550), a socket error code (ECONNREFUSED) or a SQLSTATE; null if none. */
  code: number | string | null;
}

/** An error carrying only its summary: safe to log, to hand to Bull, to show to admins. */
export class ReducedJobError extends Error {
  override name = 'ReducedJobError';
  constructor(
    readonly summary: DeliveryErrorSummary,
    /** No retry can help (e.g. a malformed message): Bull fails the job at once. */
    readonly permanent = false,
  ) {
    super(describeDeliveryError(summary));
    // Bull stores the stack as the job's stacktrace: nothing but the summary goes there.
    this.stack = `${this.name}: ${this.message}`;
  }
}

export function describeDeliveryError(summary: DeliveryErrorSummary): string {
  return summary.code === null ? summary.category : `${summary.category} (${summary.code})`;
}

const SOCKET_CODES =
  /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|ETIMEDOUT)\b/;

const FILE_CODES = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT', 'ENOENT', 'EISDIR', 'EMFILE']);

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  message?: unknown;
}

/** The category and code of any error a job can meet; never its message or the addresses. */
export function summarizeDeliveryError(err: unknown): DeliveryErrorSummary {
  if (err instanceof ReducedJobError) return err.summary;
  const e: ErrorFields = typeof err === 'object' && err !== null ? err : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command.toUpperCase() : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const name = typeof e.name === 'string' ? e.name : '';

  if (name === 'PermanentJobError') return { category: 'invalid_message', code: null };
  if (name === 'RedisUnavailableError') return { category: 'queue_unavailable', code: null };
  if (name === 'TimeoutError' || name === 'AbortError') return { category: 'smtp_timeout', code: null };
  // PostgreSQL errors carry a five-character SQLSTATE.
  if (code && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) return { category: 'database', code };

  const temporary = reply !== undefined && reply >= 400 && reply < 500;
  if (command.startsWith('RCPT') || code === 'EENVELOPE')
    return { category: temporary ? 'recipient_deferred' : 'recipient_rejected', code: reply ?? null };
  if (command.startsWith('MAIL')) return { category: 'sender_rejected', code: reply ?? null };
  if (command === 'DATA' || code === 'EMESSAGE') return { category: 'message_rejected', code: reply ?? null };
  if (code === 'EAUTH') return { category: 'smtp_auth_failed', code: reply ?? null };

  // The .eml mailer of embedded mode writes files: a full or read-only disk.
  if (code && FILE_CODES.has(code)) return { category: 'mail_storage', code };
  const socket = SOCKET_CODES.exec(message)?.[1] ?? (code && SOCKET_CODES.test(code) ? code : undefined);
  if (socket === 'ETIMEDOUT' || code === 'ETIMEDOUT') return { category: 'smtp_timeout', code: 'ETIMEDOUT' };
  if (socket) return { category: 'smtp_unreachable', code: socket };
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS' || code === 'ETLS')
    return { category: 'smtp_unreachable', code };
  if (code === 'EPROTOCOL') return { category: 'smtp_protocol', code: reply ?? code };
  if (reply !== undefined) return { category: temporary ? 'smtp_temporary' : 'smtp_permanent', code: reply };
  return { category: 'internal', code: null };
}

/** The error to throw instead of `err` from a job, so nothing else of it reaches Redis or logs. */
export function reduceJobError(err: unknown): ReducedJobError {
  if (err instanceof ReducedJobError) return err;
  const summary = summarizeDeliveryError(err);
  return new ReducedJobError(summary, summary.category === 'invalid_message');
}

const ADDRESS = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g;

/**
 * For failure texts stored before errors were reduced (or written by Bull itself, such as a
 * stalled job): anything shaped like an e-mail address is masked before an admin sees it.
 */
export function maskAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]');
}
