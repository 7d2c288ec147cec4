import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import type { RouteHooks } from '../lib/route';
import { identityRecordExists } from './audit.repository';
import { recordDenied } from './audit.service';

/**
 * Records with identity data, by the route prefix that names them by `:id`. A 404 on one that
 * exists means it lies outside the caller's need-to-know: answered as "no such record" (so its
 * existence is not revealed), but left in the audit trail as denied, with its id and nothing else.
 */
const IDENTITY_RECORDS = [
  { prefix: '/v1/victims/:id', table: 'victims', type: 'victim' },
  { prefix: '/v1/claims/:id', table: 'claims', type: 'claim' },
  { prefix: '/v1/hearings/:id', table: 'hearings', type: 'hearing' },
  { prefix: '/v1/documents/:id', table: 'documents', type: 'document' },
] as const;

export async function auditOutOfReach(
  ctx: Pick<AppContext, 'db' | 'logger'>,
  route: { path: string; permission: string },
  actor: Pick<Actor, 'userId' | 'role'>,
  params: { id?: unknown },
  requestId: string,
): Promise<void> {
  // only routes whose one parameter is the record's id: a 404 there is about that record
  const kind = IDENTITY_RECORDS.find(
    (k) =>
      route.path === k.prefix ||
      (route.path.startsWith(`${k.prefix}/`) && !route.path.slice(k.prefix.length).includes(':')),
  );
  if (!kind || typeof params.id !== 'string') return;
  try {
    if (!(await identityRecordExists(ctx.db, kind.table, params.id))) return; // truly no such record: nothing was denied
  } catch (err) {
    ctx.logger.error(
      { err: err instanceof Error ? err.message : String(err), requestId },
      'out-of-reach check failed',
    );
    return;
  }
  await recordDenied(ctx, actor, route.permission, requestId, { type: kind.type, id: params.id });
}

/** The audit trail's side of every route (see defineRoute): denied checks and out-of-reach 404s. */
export const auditRouteHooks: RouteHooks = { onDenied: recordDenied, onOutOfReach: auditOutOfReach };
