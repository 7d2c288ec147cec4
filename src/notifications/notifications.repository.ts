import type { Role } from '../lib/auth';
import type { Language } from '../lib/i18n';
import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { ChainAnchors, ReconciliationCheck } from './notifications.table';

/** What the welcome e-mail needs of a user; undefined once the user is gone. */
export async function findWelcomeRecipient(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['email', 'name', 'role', 'active', 'preferred_language'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** A staff member an e-mail goes to, with the language they chose. */
export interface StaffRecipient {
  id: string;
  email: string;
  preferred_language: Language;
}

/** All SQL of notifications: what the handlers load by id, the scan, the reconciliation. */

export async function findClaimAndVictim(db: Db | Trx, claimId: string) {
  const row = await db
    .selectFrom('claims as c')
    .innerJoin('victims as v', 'v.id', 'c.victim_id')
    .select([
      'c.id as claim_id',
      'v.preferred_language',
      'v.is_child',
      'v.safe_to_contact',
      'v.consent_contact_by_email',
      'v.contact_enc',
      'v.guardian_enc',
    ])
    .where('c.id', '=', claimId)
    .executeTakeFirst();
  return row ? { claimId: row.claim_id, victim: row } : undefined;
}

export async function findActiveUser(db: Db | Trx, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'preferred_language'])
    .where('id', '=', userId)
    .where('active', '=', true)
    .executeTakeFirst();
}

export async function activeAdminIds(db: Db | Trx): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface OpenDeadline {
  claimId: string;
  kind: string;
  dueOn: string;
  assigneeId: string;
  daysLeft: number;
}

/** Running deadlines of assigned, still-open claims that fall due within `horizonDays` (or passed). */
export async function openDeadlinesDueBy(
  trx: Trx,
  today: string,
  horizonDays: number,
): Promise<OpenDeadline[]> {
  const rows = await trx
    .selectFrom('claim_deadlines as d')
    .innerJoin('claims as c', 'c.id', 'd.claim_id')
    .select([
      'd.claim_id',
      'd.kind',
      'd.due_on',
      'c.assignee_id',
      sql<number>`(d.due_on - ${today}::date)`.as('days_left'),
    ])
    .where('d.met_on', 'is', null)
    // Already past the day it was recorded (a back-dated award): never missed here, no alarm.
    .where((eb) => eb.or([eb('d.recorded_on', 'is', null), eb('d.due_on', '>=', eb.ref('d.recorded_on'))]))
    .where('c.assignee_id', 'is not', null)
    .where('c.status', 'not in', ['closed', 'withdrawn'])
    .where('d.due_on', '<=', sql<string>`${today}::date + ${horizonDays}::int`)
    .orderBy('d.claim_id')
    .orderBy('d.kind')
    .execute();
  return rows.map((r) => ({
    claimId: r.claim_id,
    kind: r.kind,
    dueOn: r.due_on,
    assigneeId: r.assignee_id!,
    daysLeft: Number(r.days_left),
  }));
}

/** The reminder's row, or undefined when this exact reminder exists already. */
export async function insertReminderOnce(
  trx: Trx,
  row: {
    claimId: string;
    kind: string;
    dueOn: string;
    offsetDays: number;
    scannedOn: string;
    assigneeId: string;
  },
): Promise<string | undefined> {
  const inserted = await trx
    .insertInto('deadline_reminders')
    .values({
      claim_id: row.claimId,
      kind: row.kind,
      due_on: row.dueOn,
      offset_days: row.offsetDays,
      scanned_on: row.scannedOn,
      assignee_id: row.assigneeId,
      outbox_id: null,
    })
    .onConflict((oc) => oc.columns(['claim_id', 'kind', 'due_on', 'offset_days']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

export async function setReminderOutbox(trx: Trx, reminderId: string, outboxId: string): Promise<void> {
  await trx
    .updateTable('deadline_reminders')
    .set({ outbox_id: outboxId })
    .where('id', '=', reminderId)
    .execute();
}

/** A reminder with what its e-mail needs, and whether the deadline still runs as it did. */
export async function findReminder(db: Db | Trx, reminderId: string) {
  return db
    .selectFrom('deadline_reminders as r')
    .innerJoin('claims as c', 'c.id', 'r.claim_id')
    .leftJoin('claim_deadlines as d', (j) =>
      j.onRef('d.claim_id', '=', 'r.claim_id').onRef('d.kind', '=', 'r.kind'),
    )
    .select([
      'r.id',
      'r.kind',
      'r.due_on',
      'r.offset_days',
      'r.scanned_on',
      'r.assignee_id',
      'c.reference',
      'd.due_on as current_due_on',
      'd.met_on',
    ])
    .where('r.id', '=', reminderId)
    .executeTakeFirst();
}

// ---- reconciliation -------------------------------------------------------------------------

/** Per currency, debits minus credits over every posting: must be zero. */
export async function postingImbalances(db: Db): Promise<Array<{ currency: string; net: string }>> {
  const { rows } = await sql<{ currency: string; net: string }>`
    select currency, sum(case when side = 'debit' then amount else -amount end)::text as net
    from ledger_postings group by currency
    having sum(case when side = 'debit' then amount else -amount end) <> 0
    order by currency`.execute(db);
  return rows;
}

/** Per currency, the trial balance from the accounts' running balances: must be zero. */
export async function accountImbalances(db: Db): Promise<Array<{ currency: string; net: string }>> {
  const { rows } = await sql<{ currency: string; net: string }>`
    select currency, sum(case when normal_side = 'debit' then posted else -posted end)::text as net
    from ledger_accounts group by currency
    having sum(case when normal_side = 'debit' then posted else -posted end) <> 0
    order by currency`.execute(db);
  return rows;
}

/** Accounts whose running balance differs from the sum of their postings. */
export async function driftedAccounts(db: Db): Promise<Array<{ code: string; currency: string }>> {
  const { rows } = await sql<{ code: string; currency: string }>`
    select a.code, a.currency from ledger_accounts a
    left join (
      select p.account_id, sum(case when p.side = a2.normal_side then p.amount else -p.amount end) as net
      from ledger_postings p join ledger_accounts a2 on a2.id = p.account_id group by p.account_id
    ) s on s.account_id = a.id
    where a.posted <> coalesce(s.net, 0)
    order by a.code limit 20`.execute(db);
  return rows;
}

/** Funds (and currencies) whose pots do not add up to their bank and cash accounts. */
export async function fundsOutOfBalance(
  db: Db,
): Promise<Array<{ fundId: string; currency: string; pots: string; bank: string }>> {
  const { rows } = await sql<{ fund_id: string; currency: string; pots: string; bank: string }>`
    select fund_id, currency,
      sum(posted) filter (where role = 'pot')::text as pots,
      sum(posted) filter (where role = 'bank')::text as bank
    from ledger_accounts where fund_id is not null and role in ('pot', 'bank')
    group by fund_id, currency
    having coalesce(sum(posted) filter (where role = 'pot'), 0)
        <> coalesce(sum(posted) filter (where role = 'bank'), 0)
    order by fund_id, currency`.execute(db);
  return rows.map((r) => ({
    fundId: r.fund_id,
    currency: r.currency,
    pots: r.pots ?? '0',
    bank: r.bank ?? '0',
  }));
}

export async function insertReconciliationRun(
  trx: Trx,
  run: { runOn: string; startedAt: Date; ok: boolean; checks: ReconciliationCheck[]; anchors: ChainAnchors },
): Promise<string> {
  const row = await trx
    .insertInto('reconciliation_runs')
    .values({
      run_on: run.runOn,
      started_at: run.startedAt,
      ok: run.ok,
      checks: JSON.stringify(run.checks),
      anchors: JSON.stringify(run.anchors),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findReconciliationRun(db: Db | Trx, id: string) {
  return db
    .selectFrom('reconciliation_runs')
    .select(['id', 'run_on', 'ok', 'checks'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function lastReconciliationOn(db: Db, runOn: string): Promise<boolean> {
  const row = await db
    .selectFrom('reconciliation_runs')
    .select('id')
    .where('run_on', '=', runOn)
    .executeTakeFirst();
  return row !== undefined;
}

// ---- disbursements ----------------------------------------------------------------------------

export async function findDisbursementForNotice(db: Db | Trx, id: string) {
  return db
    .selectFrom('disbursements as d')
    .innerJoin('funds as f', 'f.id', 'd.fund_id')
    .select(['d.id', 'd.status', 'd.payment_reference', 'd.requested_by', 'f.organization_id'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** The active staff of one role in an organization, by e-mail address. */
export async function activeStaffOf(
  db: Db | Trx,
  organizationId: string,
  role: Role,
): Promise<StaffRecipient[]> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'preferred_language'])
    .where('organization_id', '=', organizationId)
    .where('role', '=', role)
    .where('active', '=', true)
    .orderBy('email')
    .execute();
}

/** Active fund administrators of the agency that runs the fund. */
export function fundAdministrators(db: Db | Trx, organizationId: string): Promise<StaffRecipient[]> {
  return activeStaffOf(db, organizationId, 'fund_admin');
}

export async function approverIds(db: Db | Trx, disbursementId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('disbursement_approvals')
    .select('approver_id')
    .where('disbursement_id', '=', disbursementId)
    .execute();
  return rows.map((r) => r.approver_id);
}
