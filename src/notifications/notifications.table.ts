import type { Generated, JSONColumnType } from 'kysely';

export interface DeadlineRemindersTable {
  id: Generated<string>;
  claim_id: string;
  kind: string;
  due_on: string;
  /** Days before the due date (30, 7, 1), or -1 for the overdue notice. */
  offset_days: number;
  scanned_on: string;
  assignee_id: string;
  outbox_id: string | null;
  created_at: Generated<Date>;
}

export interface ReconciliationCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReconciliationRunsTable {
  id: Generated<string>;
  run_on: string;
  started_at: Date;
  finished_at: Generated<Date>;
  ok: boolean;
  checks: JSONColumnType<ReconciliationCheck[]>;
}

export interface NotificationTables {
  deadline_reminders: DeadlineRemindersTable;
  reconciliation_runs: ReconciliationRunsTable;
}
