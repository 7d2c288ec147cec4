import { sql } from 'kysely';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { recordAudit } from '../audit/audit.service';
import { transact } from '../lib/db';
import { ForbiddenError, ValidationError } from '../lib/errors';
import { audienceOf, loadRecords } from './claims.access';
import { presentClaim } from './claims';
import { deadlinesOf } from './claims.repository';
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

/**
 * Newest first, by `seq`, scoped to what the caller may see; every filter has an index that
 * starts with the scope and ends with `seq`, so a page is an index range scan at any size.
 * `deadlineWithinDays`: an unmet deadline due by today + N days (overdue ones included).
 */
export async function listClaims(ctx: AppContext, actor: Actor, query: ListQuery, requestId = '') {
  // Auditors see no case numbers: looking one up would tie it to a claim all the same.
  if (query.caseNumber !== undefined && actor.role === 'auditor')
    throw new ForbiddenError('Auditors do not search by case number.');
  let q = ctx.db.selectFrom('claims as c').selectAll('c');
  if (actor.role === 'legal_aid') q = q.where('c.organization_id', '=', actor.organizationId ?? '');
  else if (actor.role === 'fund_admin')
    q = q
      .where('c.route', '=', 'state_fund')
      .where(
        'c.fund_id',
        'in',
        sql<string>`(select f.id from funds f where f.organization_id = ${actor.organizationId ?? null})`,
      );
  else if (actor.role !== 'auditor') return { items: [], nextCursor: null };
  if (query.route) q = q.where('c.route', '=', query.route);
  if (query.status) q = q.where('c.status', '=', query.status);
  if (query.victimId) q = q.where('c.victim_id', '=', query.victimId);
  if (query.assigneeId) q = q.where('c.assignee_id', '=', query.assigneeId);
  if (query.fundId) q = q.where('c.fund_id', '=', query.fundId);
  if (query.caseNumber) q = q.where(sql`lower(c.case_number)`, '=', query.caseNumber.toLowerCase());
  if (query.court) q = q.where('c.forum', 'ilike', `%${query.court.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  if (query.deadlineWithinDays !== undefined) {
    const until = addDays(todayUtc(), query.deadlineWithinDays);
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('claim_deadlines as d')
          .select('d.claim_id')
          .whereRef('d.claim_id', '=', 'c.id')
          .where('d.met_on', 'is', null)
          .where('d.due_on', '<=', until),
      ),
    );
  }
  if (query.cursor) q = q.where('c.seq', '<', decodeCursor(query.cursor));
  const rows = await q
    .orderBy('c.seq', 'desc')
    .limit(query.limit + 1)
    .execute();
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
