import { sql } from 'kysely';
import { openStates, ROUTES, stateRule } from '../claims/route-machines';
import type { Db, Trx } from '../lib/db';

/** The caseload's SQL: a worker's lists (caseload.ts) and moving them to a colleague (reassign.ts). */

const OPEN_PAIRS = ROUTES.flatMap((r) => openStates(r).map((s) => sql`(${r}, ${s})`));

/**
 * SQL giving a claim's next hearing day (alias `c` = claims), or null: the earliest hearing
 * record still scheduled for today or later, so an adjourned, rescheduled or cancelled hearing
 * never shows its old date (the same rule as the claim's `nextHearing`).
 */
function nextHearingOf(today: string) {
  return sql<string | null>`(select min(h.scheduled_on)::text from hearings h
     where h.claim_id = c.id and h.status = 'scheduled' and h.scheduled_on >= ${today}::date)`;
}

/** The victims assigned to a worker, by reference, each with its count of open claims. */
export async function assignedVictims(
  db: Db,
  who: { organizationId: string; userId: string },
  limit: number,
) {
  return db
    .selectFrom('victims as v')
    .select(['v.id', 'v.reference', 'v.full_name_enc'])
    .select(
      sql<string>`(select count(*) from claims c where c.victim_id = v.id and (c.route, c.status) in (${sql.join(OPEN_PAIRS)}))`.as(
        'open_claims',
      ),
    )
    .where('v.organization_id', '=', who.organizationId)
    .where('v.assignee_id', '=', who.userId)
    .orderBy('v.reference')
    .limit(limit)
    .execute();
}

/** The open claims assigned to a worker, each with its next hearing and its next unmet deadline ("kind due_on"). */
export async function assignedOpenClaims(
  db: Db,
  who: { organizationId: string; userId: string },
  today: string,
  limit: number,
) {
  return db
    .selectFrom('claims as c')
    .select(['c.id', 'c.reference', 'c.victim_id', 'c.route', 'c.status'])
    .select(nextHearingOf(today).as('next_hearing_on'))
    .select(
      sql<string | null>`(select d.kind || ' ' || d.due_on::text from claim_deadlines d
            where d.claim_id = c.id and d.met_on is null order by d.due_on, d.kind limit 1)`.as(
        'next_deadline',
      ),
    )
    .where('c.organization_id', '=', who.organizationId)
    .where('c.assignee_id', '=', who.userId)
    .where(sql<boolean>`(c.route, c.status) in (${sql.join(OPEN_PAIRS)})`)
    .limit(limit)
    .execute();
}

const fundsOf = (organizationId: string) =>
  sql<string>`(select f.id from funds f where f.organization_id = ${organizationId})`;

/** The office's State-fund applications counted by status. */
export async function stateFundStageCounts(db: Db, organizationId: string) {
  return db
    .selectFrom('claims as c')
    .select(['c.status', sql<string>`count(*)`.as('n')])
    .where('c.route', '=', 'state_fund')
    .where('c.fund_id', 'in', fundsOf(organizationId))
    .groupBy('c.status')
    .orderBy('c.status')
    .execute();
}

/** The office's State-fund applications still before a decision, with their decision deadline. */
export async function stateFundDecisionsDue(db: Db, organizationId: string, limit: number) {
  return db
    .selectFrom('claims as c')
    .select(['c.id', 'c.reference', 'c.status', 'c.fund_id'])
    .select(
      sql<string | null>`(select min(d.due_on)::text from claim_deadlines d
            where d.claim_id = c.id and d.kind = 'decision' and d.met_on is null)`.as('due_on'),
    )
    .where('c.route', '=', 'state_fund')
    .where('c.fund_id', 'in', fundsOf(organizationId))
    .where(
      'c.status',
      'in',
      openStates('state_fund').filter((s) => stateRule('state_fund', s)?.beforeDecision),
    )
    .orderBy(sql`2`)
    .limit(limit)
    .execute();
}

/** Requested disbursements of the office's funds that someone else asked for and this user has not approved. */
export async function disbursementsAwaitingApprovalBy(
  db: Db,
  who: { organizationId: string; userId: string },
  limit: number,
) {
  return db
    .selectFrom('disbursements as d')
    .select(['d.id', 'd.fund_id', 'd.claim_id', 'd.amount', 'd.currency', 'd.purpose', 'd.requested_at'])
    .where('d.status', '=', 'requested')
    .where('d.fund_id', 'in', fundsOf(who.organizationId))
    .where('d.requested_by', '<>', who.userId)
    .where(
      sql<boolean>`not exists (select 1 from disbursement_approvals a where a.disbursement_id = d.id and a.approver_id = ${who.userId})`,
    )
    .orderBy('d.requested_at')
    .limit(limit)
    .execute();
}

export async function findUsersForReassignment(trx: Trx, ids: string[]) {
  return trx
    .selectFrom('users')
    .select(['id', 'organization_id', 'active', 'role'])
    .where('id', 'in', ids)
    .execute();
}

/** Moves the office's victims assigned to one user to another; returns the moved victims' ids. */
export async function reassignVictims(
  trx: Trx,
  organizationId: string,
  fromUserId: string,
  toUserId: string,
) {
  return trx
    .updateTable('victims')
    .set({ assignee_id: toUserId, updated_at: new Date() })
    .where('organization_id', '=', organizationId)
    .where('assignee_id', '=', fromUserId)
    .returning('id')
    .execute();
}

/** Moves the office's claims assigned to one user to another; returns the moved claims' ids. */
export async function reassignClaims(trx: Trx, organizationId: string, fromUserId: string, toUserId: string) {
  return trx
    .updateTable('claims')
    .set({ assignee_id: toUserId, updated_at: new Date() })
    .where('organization_id', '=', organizationId)
    .where('assignee_id', '=', fromUserId)
    .returning('id')
    .execute();
}

/** Each moved claim's new assignee, in its correction history. */
export async function insertAssigneeChanges(
  trx: Trx,
  claimIds: string[],
  change: { fromUserId: string; toUserId: string; reason: string; changedBy: string },
): Promise<void> {
  if (claimIds.length === 0) return;
  await trx
    .insertInto('claim_changes')
    .values(
      claimIds.map((claimId) => ({
        claim_id: claimId,
        field: 'assigneeId' as const,
        from_value: change.fromUserId,
        to_value: change.toUserId,
        reason: change.reason,
        changed_by: change.changedBy,
      })),
    )
    .execute();
}
