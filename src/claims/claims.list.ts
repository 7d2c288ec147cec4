import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { recordAudit } from '../audit/audit.service';
import { transact } from '../lib/db';
import { ForbiddenError, ValidationError } from '../lib/errors';
import { audienceOf, loadRecords } from './claims.access';
import { presentClaim } from './claims';
import { deadlinesOf } from './claims.repository';
import { claimsPage, type ClaimListScope } from './claims-list.repository';
import { nextHearingOf } from './hearings/hearings.views';
import { addDays, todayUtc } from '../lib/dates';
import type { Deadline } from './deadlines';

export interface ListQuery {
  route?: string;
  status?: string;
  victimId?: string;
  assigneeId?: string;
  fundId?: string;
  caseNumber?: string;
  court?: string;
  deadlineWithinDays?: number;
  limit: number;
  cursor?: string;
  /** csv: the whole list as CSV (see sendList) */
  format?: 'json' | 'csv';
}

function decodeCursor(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^s:\d{1,19}$/.test(seq))
    throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  return seq.slice(2);
}

const encodeCursor = (seq: string) => Buffer.from(`s:${seq}`).toString('base64url');

/** What the role may list: its office's claims, its funds' State-fund claims, or all (auditor). */
function scopeOf(actor: Actor): ClaimListScope | undefined {
  if (actor.role === 'legal_aid') return { organizationId: actor.organizationId ?? '' };
  if (actor.role === 'fund_admin') return { fundOrganizationId: actor.organizationId ?? null };
  if (actor.role === 'auditor') return { everyone: true };
  return undefined;
}

/**
 * Newest first, by `seq`, scoped to what the caller may see; every filter has an index that
 * starts with the scope and ends with `seq`, so a page is an index range scan at any size.
 * `deadlineWithinDays`: an unmet deadline due by today + N days (overdue ones included).
 */
export async function listClaims(ctx: AppContext, actor: Actor, query: ListQuery, requestId = '') {
  // Auditors see no case numbers: looking one up would tie it to a claim all the same.
  if (query.caseNumber !== undefined && actor.role === 'auditor')
    throw new ForbiddenError('Auditors do not search by case number.');
  const scope = scopeOf(actor);
  if (!scope) return { items: [], nextCursor: null };
  const rows = await claimsPage(ctx.db, scope, {
    route: query.route,
    status: query.status,
    victimId: query.victimId,
    assigneeId: query.assigneeId,
    fundId: query.fundId,
    caseNumber: query.caseNumber,
    court: query.court,
    deadlineDueBy:
      query.deadlineWithinDays === undefined ? undefined : addDays(todayUtc(), query.deadlineWithinDays),
    beforeSeq: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const audience = audienceOf(actor);
  const today = todayUtc();
  if (query.caseNumber !== undefined || query.court !== undefined)
    await transact(ctx.db, (trx) =>
      recordAudit(trx, {
        actor,
        action: 'claim.search',
        resourceType: 'claim',
        requestId,
        details: {
          criteria: ['caseNumber', 'court'].filter((k) => query[k as keyof ListQuery] !== undefined),
          claimIds: page.map((r) => r.id),
        },
      }),
    );
  const ids = page.map((r) => r.id);
  const [records, deadlines, next] = await Promise.all([
    loadRecords(ctx.db, page),
    deadlinesOf(ctx.db, ids),
    audience === 'case' ? nextHearingOf(ctx.db, ids, today) : undefined,
  ]);
  return {
    items: records.map((r) => ({
      ...presentClaim(r, audience, {
        today,
        deadlines: deadlines
          .filter((d) => d.claim_id === r.id)
          .map((d) => ({
            kind: d.kind as Deadline['kind'],
            dueOn: d.due_on,
            metOn: d.met_on,
            basis: d.basis,
            recordedOn: d.recorded_on,
          })),
      }),
      ...(next ? { nextHearing: next.get(r.id) ?? null } : {}),
    })),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.seq) : null,
  };
}
