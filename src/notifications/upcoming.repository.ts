import { activeStaffOf, type StaffRecipient } from './notifications.repository';
import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

/**
 * SQL of the reminders of things coming up (hearings, reflection periods ending, State-fund
 * decisions due) and of the payment e-mail. Each scan query returns what is due within
 * `horizonDays` of `today`, not before it: these reminders have no overdue notice.
 */

export interface Upcoming {
  subjectId: string;
  dueOn: string;
  daysLeft: number;
  assigneeId: string | null;
}

const CLOSED = ['closed', 'withdrawn'];

/**
 * Hearings still scheduled within the horizon, of assigned claims still running. A rescheduled
 * hearing is found on its new day; an adjourned, cancelled or held one is not found at all.
 */
export async function upcomingHearings(trx: Trx, today: string, horizonDays: number): Promise<Upcoming[]> {
  const rows = await trx
    .selectFrom('hearings as h')
    .innerJoin('claims as c', 'c.id', 'h.claim_id')
    .select([
      'h.claim_id',
      'h.scheduled_on',
      'c.assignee_id',
      sql<number>`(h.scheduled_on - ${today}::date)`.as('days_left'),
    ])
    .distinct()
    .where('h.status', '=', 'scheduled')
    .where('h.scheduled_on', '>=', sql<string>`${today}::date`)
    .where('h.scheduled_on', '<=', sql<string>`${today}::date + ${horizonDays}::int`)
    .where('c.assignee_id', 'is not', null)
    .where('c.status', 'not in', CLOSED)
    .orderBy('h.claim_id')
    .orderBy('h.scheduled_on')
    .execute();
  return rows.map((r) => ({
    subjectId: r.claim_id,
    dueOn: r.scheduled_on,
    daysLeft: Number(r.days_left),
    assigneeId: r.assignee_id,
  }));
}

/** Whether the claim, still running, has a hearing scheduled on that day (as when reminded). */
export async function hearingStillOn(db: Db | Trx, claimId: string, day: string): Promise<boolean> {
  const row = await db
    .selectFrom('hearings as h')
    .innerJoin('claims as c', 'c.id', 'h.claim_id')
    .select('h.id')
    .where('h.claim_id', '=', claimId)
    .where('h.status', '=', 'scheduled')
    .where('h.scheduled_on', '=', day)
    .where('c.status', 'not in', CLOSED)
    .executeTakeFirst();
  return !!row;
}

/** Victims whose reflection period ends within the horizon. */
export async function endingReflectionPeriods(
  trx: Trx,
  today: string,
  horizonDays: number,
): Promise<Upcoming[]> {
  const ends = sql<string>`(v.identified_on + v.reflection_days)`;
  const rows = await trx
    .selectFrom('victims as v')
    .select(['v.id', ends.as('ends_on'), sql<number>`(${ends} - ${today}::date)`.as('days_left')])
    .where('v.identified_on', 'is not', null)
    .where(ends, '>=', sql<string>`${today}::date`)
    .where(ends, '<=', sql<string>`${today}::date + ${horizonDays}::int`)
    .orderBy('v.id')
    .execute();
  return rows.map((r) => ({
    subjectId: r.id,
    dueOn: r.ends_on,
    daysLeft: Number(r.days_left),
    assigneeId: null,
  }));
}

/** Open decision deadlines of State-fund claims still running. */
export async function dueFundDecisions(trx: Trx, today: string, horizonDays: number): Promise<Upcoming[]> {
  const rows = await trx
    .selectFrom('claim_deadlines as d')
    .innerJoin('claims as c', 'c.id', 'd.claim_id')
    .select(['d.claim_id', 'd.due_on', sql<number>`(d.due_on - ${today}::date)`.as('days_left')])
    .where('d.kind', '=', 'decision')
    .where('d.met_on', 'is', null)
    .where('c.route', '=', 'state_fund')
    .where('c.status', 'not in', CLOSED)
    .where('d.due_on', '>=', sql<string>`${today}::date`)
    .where('d.due_on', '<=', sql<string>`${today}::date + ${horizonDays}::int`)
    .orderBy('d.claim_id')
    .execute();
  return rows.map((r) => ({
    subjectId: r.claim_id,
    dueOn: r.due_on,
    daysLeft: Number(r.days_left),
    assigneeId: null,
  }));
}

/** The reminder's row, or undefined when this exact reminder exists already. */
export async function insertUpcomingOnce(
  trx: Trx,
  row: {
    subject: 'claim' | 'victim';
    subjectId: string;
    kind: string;
    dueOn: string;
    offsetDays: number;
    scannedOn: string;
    assigneeId: string | null;
  },
): Promise<string | undefined> {
  const inserted = await trx
    .insertInto('deadline_reminders')
    .values({
      claim_id: row.subject === 'claim' ? row.subjectId : null,
      victim_id: row.subject === 'victim' ? row.subjectId : null,
      kind: row.kind,
      due_on: row.dueOn,
      offset_days: row.offsetDays,
      scanned_on: row.scannedOn,
      assignee_id: row.assigneeId,
      outbox_id: null,
    })
    // Either unique key (per claim or per victim) makes a second scan's insert a no-op.
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

export async function findUpcomingReminder(db: Db | Trx, reminderId: string) {
  return db
    .selectFrom('deadline_reminders as r')
    .leftJoin('claims as c', 'c.id', 'r.claim_id')
    .leftJoin('victims as v', 'v.id', 'r.victim_id')
    .select([
      'r.id',
      'r.kind',
      'r.claim_id',
      'r.victim_id',
      'r.due_on',
      'r.offset_days',
      'r.scanned_on',
      'r.assignee_id',
      'c.reference as claim_reference',
      'c.status as claim_status',
      'c.fund_id',
      'v.reference as victim_reference',
      'v.organization_id as victim_organization_id',
      sql<string | null>`(v.identified_on + v.reflection_days)`.as('reflection_ends_on'),
    ])
    .where('r.id', '=', reminderId)
    .executeTakeFirst();
}

export async function decisionDeadline(db: Db | Trx, claimId: string) {
  return db
    .selectFrom('claim_deadlines')
    .select(['due_on', 'met_on'])
    .where('claim_id', '=', claimId)
    .where('kind', '=', 'decision')
    .executeTakeFirst();
}

export async function fundOrganization(db: Db | Trx, fundId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('funds')
    .select('organization_id')
    .where('id', '=', fundId)
    .executeTakeFirst();
  return row?.organization_id;
}

/**
 * Who follows a victim: the active assignees of the victim's open claims, or, when no open
 * claim is assigned, every active legal aid worker of the victim's organization.
 */
export async function victimWorkers(
  db: Db | Trx,
  victimId: string,
  organizationId: string,
): Promise<StaffRecipient[]> {
  const assignees = await db
    .selectFrom('claims as c')
    .innerJoin('users as u', 'u.id', 'c.assignee_id')
    .select(['u.id', 'u.email', 'u.preferred_language'])
    .distinct()
    .where('c.victim_id', '=', victimId)
    .where('c.status', 'not in', CLOSED)
    .where('u.active', '=', true)
    .orderBy('u.email')
    .execute();
  if (assignees.length > 0) return assignees;
  return activeStaffOf(db, organizationId, 'legal_aid');
}

// ---- the payment e-mail ------------------------------------------------------------------------

export async function findVictimForMail(db: Db | Trx, victimId: string) {
  return db
    .selectFrom('victims')
    .select([
      'id',
      'preferred_language',
      'is_child',
      'safe_to_contact',
      'consent_contact_by_email',
      'contact_enc',
      'guardian_enc',
    ])
    .where('id', '=', victimId)
    .executeTakeFirst();
}

export async function findPaymentToVictim(db: Db | Trx, paymentId: string) {
  return db
    .selectFrom('payments_received')
    .select(['victim_id', 'paid_to'])
    .where('id', '=', paymentId)
    .executeTakeFirst();
}

export async function findPaidDisbursement(db: Db | Trx, disbursementId: string) {
  return db
    .selectFrom('disbursements')
    .select(['victim_id', 'status', 'hold_in_trust'])
    .where('id', '=', disbursementId)
    .executeTakeFirst();
}
