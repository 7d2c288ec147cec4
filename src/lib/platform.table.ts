import type { Generated, JSONColumnType } from 'kysely';

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  payload: JSONColumnType<Record<string, unknown>>;
  created_at: Generated<Date>;
  relayed_at: Date | null;
  /** Set with the outbox_deliveries row: until then the message is not done, whatever Redis holds. */
  delivered_at: Date | null;
}

/** One row per outbox message whose effect happened, so a retried handler does not repeat it. */
export interface OutboxDeliveriesTable {
  outbox_id: string;
  delivered_at: Generated<Date>;
  detail: string | null;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  endpoint: string;
  request_hash: string;
  status: number;
  response: JSONColumnType<object>;
  created_at: Generated<Date>;
}

/** The last run of each scheduled job (see jobs/queues.ts SCHEDULED_JOBS). */
export interface ScheduledJobRunsTable {
  name: string;
  last_started_at: Date;
  last_finished_at: Date;
  last_ok: boolean;
  last_succeeded_at: Date | null;
  last_detail: Generated<string>;
}

/** Admins were alerted about this message (once per message). */
export interface OutboxAlertsTable {
  outbox_id: string;
  reason: 'attempts_exhausted' | 'undelivered_too_long';
  error_category: string | null;
  alerted_at: Generated<Date>;
}

/** How far each hash chain reached with unkeyed links when chain keys were introduced. */
export interface ChainLegacyBoundsTable {
  chain: 'audit' | 'ledger';
  last_legacy_seq: string;
  recorded_at: Generated<Date>;
}

export interface PlatformTables {
  outbox: OutboxTable;
  outbox_deliveries: OutboxDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  scheduled_job_runs: ScheduledJobRunsTable;
  outbox_alerts: OutboxAlertsTable;
  chain_legacy_bounds: ChainLegacyBoundsTable;
}
