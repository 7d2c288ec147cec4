import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { ForbiddenError, ValidationError } from '../lib/errors';
import { nameProbe } from '../victims/name-index';
import { FIELD } from '../victims/victims.mapper';
import type { VictimSearchQuery } from '../victims/victims.schemas';
import { searchVictimRows } from './victims-search.repository';

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

export interface VictimSearchPage {
  items: VictimHit[];
  nextCursor: string | null;
}

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
): Promise<VictimSearchPage> {
  const identifying = query.name !== undefined || query.documentNumber !== undefined;
  if (actor.role === 'fund_admin' && identifying)
    throw new ForbiddenError('Fund administrators find victims by reference, not by name or document.');
  if (!actor.organizationId) return { items: [], nextCursor: null };
  const org = actor.organizationId;

  const rows = await searchVictimRows(ctx.db, {
    organizationId: org,
    reach: actor.role === 'legal_aid' ? 'office' : 'fundClaims',
    reference: query.reference ? query.reference.replace(/\s+/g, '').toUpperCase() : undefined,
    documentNumberHash: query.documentNumber
      ? ctx.cipher.blindIndex(FIELD.documentNumber, query.documentNumber)
      : undefined,
    name: query.name ? nameProbe(ctx.cipher, query.name) : undefined,
    assigneeId: query.mine ? actor.userId : undefined,
    victimOrganizationId: query.organizationId || undefined,
    nationality: query.nationality || undefined,
    hasOpenClaims: query.hasOpenClaims,
    afterReference: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
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
