import type { Generated, JSONColumnType } from 'kysely';

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  payload: JSONColumnType<Record<string, unknown>>;
  created_at: Generated<Date>;
  relayed_at: Date | null;
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
  chain_legacy_bounds: ChainLegacyBoundsTable;
}
