import type { Generated } from 'kysely';

/** One live code per victim; `code_hash` is an HMAC, never the code. */
export interface StatusAccessCodesTable {
  victim_id: string;
  code_hash: string;
  issued_at: Generated<Date>;
  issued_by: string;
}

/** Failed status checks per key: 'r:<reference>' or 'a:<client address>'. */
export interface StatusGuardTable {
  key: string;
  failures: Generated<number>;
  total_failures: Generated<number>;
  lockouts: Generated<number>;
  window_started_at: Generated<Date>;
  locked_until: Date | null;
  last_failure_at: Date | null;
}

export interface StatusTables {
  status_access_codes: StatusAccessCodesTable;
  status_guard: StatusGuardTable;
}
