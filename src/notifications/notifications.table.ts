import type { Generated, JSONColumnType } from 'kysely';

export interface DeadlineRemindersTable {
  id: Generated<string>;
  /** What the reminder is about: a claim, or (the reflection period) a victim. */
  claim_id: string | null;
  victim_id: string | null;
  kind: string;
  due_on: string;
  /** Days before the due date (30, 7, 1), or -1 for the overdue notice. */
  offset_days: number;
  scanned_on: string;
  /** Null for reminders whose recipients are resolved when sent (a group, not one assignee). */
  assignee_id: string | null;
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
  /** Where the hash chains ended when the run finished (null before 2026_11_29_900200). */
  anchors: JSONColumnType<ChainAnchors | null>;
}

/** The last sealed row of a hash chain: its place and its hash. */
export interface ChainHead {
  seq: string;
  hash: string;
}

export interface ChainAnchors {
  ledger: ChainHead | null;
  audit: ChainHead | null;
}

export interface NotificationTables {
  deadline_reminders: DeadlineRemindersTable;
  reconciliation_runs: ReconciliationRunsTable;
}
