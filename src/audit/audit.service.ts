import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { chainKeysOf } from '../lib/chain-keys';
import { transact, type Trx } from '../lib/db';
import { assertDateOrder, notBefore } from '../lib/date-order';
import { ValidationError } from '../lib/errors';
import { makeWriteProof } from '../lib/write-proof';
import {
  auditProofContent,
  decodeCursor,
  encodeCursor,
  type AuditEventView,
  type AuditVerification,
} from './audit';
import { scheduleAuditSeal, sealAndVerifyAuditChain } from './audit-chain';
import { insertAuditEvent, listEvents } from './audit.repository';

export { scheduleAuditSeal, sealAuditEvents, verifyAuditChain } from './audit-chain';

type AuditCtx = Pick<AppContext, 'db' | 'logger'>;

export interface AuditEvent {
  actor: Pick<Actor, 'userId' | 'role'> | null;
  action: string; // verb.noun, e.g. 'user.create', 'victim.read'
  resourceType: string;
  resourceId?: string | null;
  requestId?: string | null;
  outcome?: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>; // never identifying data: ids and field names only
}

/** Appends an audit event inside the caller's transaction: no effect without its record. */
export async function recordAudit(trx: Trx, event: AuditEvent): Promise<void> {
  const row = {
    actorId: event.actor?.userId ?? null,
    actorRole: event.actor?.role ?? null,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId ?? null,
    requestId: event.requestId ?? null,
    outcome: event.outcome ?? 'success',
    details: event.details ?? {},
  };
  const proof = makeWriteProof(chainKeysOf(trx), 'audit_events', auditProofContent(row));
  await insertAuditEvent(trx, row, proof);
}

/**
 * A refused permission check, in its own small transaction (the request writes nothing else).
 * Best effort: a failure to record is logged and the caller still gets its 403, never a 500.
 */
export async function recordDenied(
  ctx: AuditCtx,
  actor: Pick<Actor, 'userId' | 'role'>,
  permission: string,
  requestId: string | null,
  /** A record the role may reach in general but this caller may not (its id only); else the permission. */
  resource: { type: string; id: string } | null = null,
): Promise<void> {
  try {
    await transact(ctx.db, (trx) =>
      recordAudit(trx, {
        actor,
        action: permission,
        resourceType: resource?.type ?? 'permission',
        resourceId: resource?.id ?? null,
        requestId,
        outcome: 'denied',
      }),
    );
  } catch (err) {
    ctx.logger.error(
      { err: err instanceof Error ? err.message : String(err), requestId, permission },
      'denied access not recorded in the audit trail',
    );
  }
}

export interface AuditListQuery {
  limit: number;
  cursor?: string;
  action?: string;
  /** The record: its type, and with it optionally its id. */
  resourceType?: string;
  resourceId?: string;
  /** Who acted (a user id). */
  actorId?: string;
  /** The period, as calendar days in UTC, both included. */
  from?: string;
  to?: string;
  format?: 'json' | 'csv';
}

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);
const nextDayStart = (day: string) => new Date(dayStart(day).getTime() + 24 * 3600 * 1000);

/** Newest first. The read itself is recorded, in the same transaction. */
export async function listAuditEvents(
  ctx: AuditCtx,
  actor: Actor,
  requestId: string,
  query: AuditListQuery,
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  let beforeId: string | null = null;
  if (query.cursor !== undefined) {
    beforeId = decodeCursor(query.cursor);
    if (beforeId === null) throw new ValidationError([{ path: 'cursor', message: 'is not a valid cursor' }]);
  }
  assertDateOrder([notBefore('to', query.to, 'the start of the period (from)', query.from)]);
  const filters = {
    action: query.action,
    resourceType: query.resourceType,
    resourceId: query.resourceId,
    actorId: query.actorId,
    from: query.from,
    to: query.to,
  };
  const page = await transact(ctx.db, async (trx) => {
    const rows = await listEvents(trx, {
      limit: query.limit,
      beforeId,
      ...filters,
      from: query.from === undefined ? undefined : dayStart(query.from),
      before: query.to === undefined ? undefined : nextDayStart(query.to),
    });
    const items = rows.slice(0, query.limit).map((r): AuditEventView => ({
      id: r.id,
      occurredAt: r.occurredAt,
      actorId: r.actorId,
      actorRole: r.actorRole,
      action: r.action,
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      requestId: r.requestId,
      outcome: r.outcome,
      details: r.details,
    }));
    await recordAudit(trx, {
      actor,
      action: 'audit.read',
      resourceType: 'audit_event',
      requestId,
      details: { filters, limit: query.limit, paged: beforeId !== null, returned: items.length },
    });
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
  });
  void scheduleAuditSeal(ctx.db, ctx.logger);
  return page;
}

/** Seals what has committed, then recomputes the chain; the check itself is recorded. */
export async function verifyAuditTrail(
  ctx: AuditCtx,
  actor: Actor,
  requestId: string,
): Promise<AuditVerification> {
  const result = await sealAndVerifyAuditChain(ctx.db, ctx.logger);
  await transact(ctx.db, (trx) =>
    recordAudit(trx, {
      actor,
      action: 'audit.verify',
      resourceType: 'audit_chain',
      requestId,
      outcome: 'success',
      details: { ...result },
    }),
  );
  void scheduleAuditSeal(ctx.db, ctx.logger);
  return result;
}
