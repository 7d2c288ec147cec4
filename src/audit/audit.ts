import { keyedChainHash } from '../lib/hash-chain';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One audit event exactly as the chain sees it. Every value is text produced by PostgreSQL
 * (`occurredAt` with microseconds, `details` as jsonb's own normalized text), so sealing and
 * verification hash the same bytes: a JS Date would drop the microseconds and a parsed JSON
 * number could lose digits, and either would make an untouched row look tampered.
 */
export interface AuditContent {
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string | null;
  outcome: string;
  details: string;
}

export interface ChainLink {
  chainSeq: string;
  prevHash: string | null;
  hash: string | null;
  chainKeyId: string | null;
}

/** The event as the API shows it. */
export interface AuditEventView {
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  eventsChecked: number;
  /** Id of the first event whose hash, link to its predecessor or sequence number is wrong. */
  firstBrokenEvent: string | null;
  /** Seq of the last event sealed with an unkeyed link, before chain keys existed; null: none. */
  chainLegacyEnds: string | null;
}

/** Only the content columns, named explicitly: a chain column must never feed its own hash. */
export function sealContent(row: AuditContent): AuditContent {
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    requestId: row.requestId,
    outcome: row.outcome,
    details: row.details,
  };
}

/** The keyed link of an event at `seq` after `prevHash`. */
export function sealHash(key: { id: string; key: Buffer }, seq: string, prevHash: string, row: AuditContent) {
  return keyedChainHash(key.key, key.id, seq, prevHash, sealContent(row));
}

const CURSOR_PREFIX = 'ae1:';
const MAX_BIGINT = 9223372036854775807n;

/** Cursors are opaque to clients; inside, the id of the last event of the page. */
export function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

/** The id inside a cursor, or null when the cursor was not made by encodeCursor. */
export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return null;
  const id = text.slice(CURSOR_PREFIX.length);
  if (!/^[1-9][0-9]{0,18}$/.test(id) || BigInt(id) > MAX_BIGINT) return null;
  return id;
}
