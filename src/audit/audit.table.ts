import type { Generated, JSONColumnType } from 'kysely';

export interface AuditEventsTable {
  id: Generated<string>;
  occurred_at: Generated<Date>;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  request_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details: JSONColumnType<Record<string, unknown>>;
  // Set once, by the sealer, in commit order (see audit/audit-chain.ts).
  chain_seq: string | null;
  prev_hash: string | null;
  hash: string | null;
  /** Id of the CHAIN_KEYS key that signed the link; null on links sealed before keys existed. */
  chain_key_id: string | null;
}

export interface AuditTables {
  audit_events: AuditEventsTable;
}
