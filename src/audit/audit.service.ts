import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';

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
  await trx
    .insertInto('audit_events')
    .values({
      actor_id: event.actor?.userId ?? null,
      actor_role: event.actor?.role ?? null,
      action: event.action,
      resource_type: event.resourceType,
      resource_id: event.resourceId ?? null,
      request_id: event.requestId ?? null,
      outcome: event.outcome ?? 'success',
      details: JSON.stringify(event.details ?? {}),
      chain_seq: null,
      prev_hash: null,
      hash: null,
    })
    .execute();
}
