import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.service';
import { openStates, ROUTES } from '../claims/route-machines';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { ForbiddenError, ValidationError } from '../lib/errors';
import { nameProbe, victimsNamed } from '../victims/name-index';
import { FIELD } from '../victims/victims.mapper';
import type { VictimSearchQuery } from '../victims/victims.schemas';

export interface VictimHit {
  id: string;
  reference: string;
  organizationId: string;
  /** Legal aid of the victim's office only. */
  fullName?: string;
  nationality?: string | null;
  assigneeId?: string | null;
  isChild: boolean;
  openClaims: number;
}

const OPEN_PAIRS = ROUTES.flatMap((r) => openStates(r).map((s) => sql`(${r}, ${s})`));

/** `v.id in (...)` of victims with a claim still being pursued. */
const withOpenClaim = sql<string>`(select c.victim_id from claims c where (c.route, c.status) in (${sql.join(OPEN_PAIRS)}))`;

const encodeCursor = (reference: string) => Buffer.from(`r:${reference}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^r:V-[A-Z0-9]{8}$/.test(text))
    throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  return text.slice(2);
}

/**
 * Finds victims in the caller's reach. Legal aid search their own office's victims by any
 * criterion and see names; fund administrators find the victims of their funds' claims by
 * reference and filters only, and see what a payment needs. Every search is an identity read:
 * audited with its criteria (names, never values) and the ids it returned.
 */
export async function searchVictims(
  ctx: AppContext,
  actor: Actor,
  query: VictimSearchQuery,
  requestId: string,
) {
  const identifying = query.name !== undefined || query.documentNumber !== undefined;
  if (actor.role === 'fund_admin' && identifying)
    throw new ForbiddenError('Fund administrators find victims by reference, not by name or document.');
  if (!actor.organizationId) return { items: [], nextCursor: null };
  const org = actor.organizationId;

  let q = ctx.db
    .selectFrom('victims as v')
    .select([
      'v.id',
      'v.reference',
      'v.organization_id',
      'v.full_name_enc',
      'v.nationality',
      'v.assignee_id',
      'v.is_child',
    ])
    .select(
      sql<string>`(select count(*) from claims c where c.victim_id = v.id and (c.route, c.status) in (${sql.join(OPEN_PAIRS)}))`.as(
        'open_claims',
      ),
    );
  if (actor.role === 'legal_aid') q = q.where('v.organization_id', '=', org);
  else
    q = q.where(
      'v.id',
      'in',
      sql<string>`(select c.victim_id from claims c join funds f on f.id = c.fund_id
                    where c.route = 'state_fund' and f.organization_id = ${org})`,
    );
  if (query.reference) q = q.where('v.reference', '=', query.reference.replace(/\s+/g, '').toUpperCase());
  if (query.documentNumber)
    q = q.where(
      'v.id',
      'in',
      sql<string>`(select d.victim_id from victim_document_index d where d.organization_id = ${org}
                    and d.number_hash = ${ctx.cipher.blindIndex(FIELD.documentNumber, query.documentNumber)})`,
    );
  if (query.name) q = q.where('v.id', 'in', victimsNamed(nameProbe(ctx.cipher, query.name), [org]));
  if (query.mine) q = q.where('v.assignee_id', '=', actor.userId);
  if (query.organizationId) q = q.where('v.organization_id', '=', query.organizationId);
  if (query.nationality) q = q.where('v.nationality', '=', query.nationality);
  if (query.hasOpenClaims !== undefined)
    q = q.where('v.id', query.hasOpenClaims ? 'in' : 'not in', withOpenClaim);
  if (query.cursor) q = q.where('v.reference', '>', decodeCursor(query.cursor));
  const rows = await q
    .orderBy('v.reference')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const full = actor.role === 'legal_aid';
  const items: VictimHit[] = page.map((r) => ({
    id: r.id,
    reference: r.reference,
    organizationId: r.organization_id,
    ...(full
      ? {
          fullName: ctx.cipher.decrypt(FIELD.fullName, r.full_name_enc),
          nationality: r.nationality,
          assigneeId: r.assignee_id,
        }
      : {}),
    isChild: r.is_child,
    openClaims: Number(r.open_claims),
  }));
  await transact(ctx.db, (trx) =>
    recordAudit(trx, {
      actor,
      action: 'victim.search',
      resourceType: 'victim',
      requestId,
      details: {
        criteria: Object.keys(query)
          .filter((k) => k !== 'limit' && k !== 'cursor')
          .sort(),
        view: full ? 'full' : 'payment',
        victimIds: items.map((i) => i.id),
      },
    }),
  );
  return {
    items,
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.reference) : null,
  };
}
