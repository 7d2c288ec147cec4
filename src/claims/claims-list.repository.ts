import { sql } from 'kysely';
import type { Db } from '../lib/db';
import type { ClaimRow } from './claims.repository';

/** Whose claims a page may hold: one office's, the State-fund claims of one agency's funds, all. */
export type ClaimListScope =
  { organizationId: string } | { fundOrganizationId: string | null } | { everyone: true };

export interface ClaimPageFilter {
  route?: string;
  status?: string;
  victimId?: string;
  assigneeId?: string;
  fundId?: string;
  /** exact, case-insensitive */
  caseNumber?: string;
  /** part of the forum's name, case-insensitive */
  court?: string;
  /** an unmet deadline due on or before this date (ISO) */
  deadlineDueBy?: string;
  /** only claims with a smaller seq (the cursor) */
  beforeSeq?: string;
  limit: number;
}

/**
 * Newest first, by `seq`; every filter has an index that starts with the scope and ends with
 * `seq`, so a page is an index range scan at any size.
 */
export async function claimsPage(db: Db, scope: ClaimListScope, f: ClaimPageFilter): Promise<ClaimRow[]> {
  let q = db.selectFrom('claims as c').selectAll('c');
  if ('organizationId' in scope) q = q.where('c.organization_id', '=', scope.organizationId);
  else if ('fundOrganizationId' in scope)
    q = q
      .where('c.route', '=', 'state_fund')
      .where(
        'c.fund_id',
        'in',
        sql<string>`(select f.id from funds f where f.organization_id = ${scope.fundOrganizationId})`,
      );
  if (f.route) q = q.where('c.route', '=', f.route);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.victimId) q = q.where('c.victim_id', '=', f.victimId);
  if (f.assigneeId) q = q.where('c.assignee_id', '=', f.assigneeId);
  if (f.fundId) q = q.where('c.fund_id', '=', f.fundId);
  if (f.caseNumber) q = q.where(sql`lower(c.case_number)`, '=', f.caseNumber.toLowerCase());
  if (f.court) q = q.where('c.forum', 'ilike', `%${f.court.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  const dueBy = f.deadlineDueBy;
  if (dueBy !== undefined)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('claim_deadlines as d')
          .select('d.claim_id')
          .whereRef('d.claim_id', '=', 'c.id')
          .where('d.met_on', 'is', null)
          .where('d.due_on', '<=', dueBy),
      ),
    );
  if (f.beforeSeq) q = q.where('c.seq', '<', f.beforeSeq);
  return q.orderBy('c.seq', 'desc').limit(f.limit).execute();
}
