import { sql, type Kysely } from 'kysely';

/**
 * What the API and worker role (DATABASE_URL) may do to each table, when migrations run as a
 * separate owner role (MIGRATION_DATABASE_URL). The app role owns nothing, so it can never
 * ALTER a table (no DISABLE TRIGGER), TRUNCATE or DROP it; append-only tables get SELECT and
 * INSERT only, so an UPDATE or DELETE is refused by a permission check before any trigger runs.
 *
 * A table missing here gets nothing and the app fails on it at once; test/server/app-role
 * tests check that every table is listed and that every table the code updates or deletes
 * has that privilege. `update` is either the whole table or the only columns the code changes.
 */
export interface TablePrivileges {
  /** SELECT and INSERT always; INSERT only into these columns when given. */
  insert?: readonly string[];
  update?: true | readonly string[];
  delete?: true;
}

/** Rows the code only ever adds: append-only by rule (a trigger too), or simply never edited. */
const ADD_ONLY: TablePrivileges = {};
/** Sealing sets the hash-chain columns of a row once; nothing else in it ever changes. */
const SEALED_APPEND_ONLY: TablePrivileges = { update: ['chain_seq', 'prev_hash', 'hash', 'chain_key_id'] };
const MUTABLE: TablePrivileges = { update: true };

export const APP_TABLE_PRIVILEGES: Readonly<Record<string, TablePrivileges>> = {
  organizations: ADD_ONLY,
  users: MUTABLE,
  auth_tokens: MUTABLE,
  login_attempts: { delete: true },
  audit_events: SEALED_APPEND_ONLY,
  outbox: MUTABLE,
  outbox_deliveries: ADD_ONLY,
  outbox_alerts: ADD_ONLY,
  scheduled_job_runs: MUTABLE,
  chain_legacy_bounds: ADD_ONLY,
  write_proof_bounds: ADD_ONLY,
  ledger_entry_proposals: {
    update: ['status', 'resolved_at', 'resolved_by', 'entry_id', 'resolution_reason'],
  },
  ledger_entry_proposal_approvals: ADD_ONLY,
  idempotency_keys: MUTABLE,
  console_form_keys: { update: ['outcome'], delete: true },
  funds: MUTABLE,
  fund_pots: ADD_ONLY,
  // Balances move only in the posting triggers, which run as the owner: an account is created
  // at zero and its balance columns are out of reach. SELECT … FOR UPDATE (the code locks
  // account rows) needs UPDATE on some column: the change counter, which nothing relies on.
  ledger_accounts: {
    insert: [
      'fund_id',
      'code',
      'name',
      'type',
      'normal_side',
      'currency',
      'role',
      'pot_code',
      'non_negative',
    ],
    update: ['version'],
  },
  ledger_entries: SEALED_APPEND_ONLY,
  ledger_postings: ADD_ONLY,
  ledger_reservations: { update: ['status', 'resolved_at', 'entry_id'] },
  ledger_reservation_lines: ADD_ONLY,
  fund_receipts: ADD_ONLY,
  fund_pot_transfers: ADD_ONLY,
  fund_fx_settlements: ADD_ONLY,
  victims: MUTABLE,
  // Metadata is kept for good; voiding a document, linking it to an info-request answer and
  // re-wrapping its key under a newer PII key are the only changes. Voiding removes the content.
  documents: {
    update: ['voided_at', 'voided_by', 'void_reason_enc', 'answers_transition_id', 'key_id', 'wrapped_key'],
  },
  document_contents: { delete: true },
  victim_document_index: { delete: true },
  victim_witness_history: ADD_ONLY,
  victim_name_index: { delete: true },
  claims: MUTABLE,
  claim_heads: MUTABLE,
  claim_transitions: ADD_ONLY,
  claim_changes: ADD_ONLY,
  claim_deadlines: { delete: true },
  hearings: MUTABLE,
  hearing_events: ADD_ONLY,
  calendar_feeds: { update: true, delete: true },
  payments_received: ADD_ONLY,
  payment_voids: ADD_ONLY,
  fund_subrogation_policies: MUTABLE,
  disbursement_policies: MUTABLE,
  disbursement_thresholds: { delete: true },
  disbursements: MUTABLE,
  disbursement_approvals: ADD_ONLY,
  status_access_codes: MUTABLE,
  status_guard: { update: true, delete: true },
  deadline_reminders: MUTABLE,
  reconciliation_runs: ADD_ONLY,
};

/**
 * Kysely's own bookkeeping is the owner's business; the app only reads which migrations ran
 * (MIGRATE_ON_START=false checks that none is pending).
 */
const MIGRATOR_TABLES: Readonly<Record<string, string>> = {
  kysely_migration: 'select',
  kysely_migration_lock: '',
};

export interface GrantResult {
  /** Tables of the schema that APP_TABLE_PRIVILEGES does not list (granted nothing). */
  unlisted: string[];
}

/**
 * Gives `appRole` exactly APP_TABLE_PRIVILEGES in the current schema, taking back anything more
 * (a privilege granted by hand, TRUNCATE, TRIGGER). Re-runnable: the migrator calls it after
 * every run, so a new table gets its privileges in the same deploy that creates it.
 * Runs as the owner role, which must own the tables.
 */
export async function grantAppPrivileges(db: Kysely<any>, appRole: string): Promise<GrantResult> {
  const role = sql.id(appRole);
  const unlisted: string[] = [];
  await db.transaction().execute(async (trx) => {
    // Two deploys starting at once would otherwise fail with "tuple concurrently updated".
    await sql`select pg_advisory_xact_lock(hashtextextended('redress:grant-app-privileges', 0))`.execute(trx);
    const { rows } = await sql<{ schema: string; name: string }>`
      select current_schema() as schema, c.relname as name from pg_class c
       where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
       order by 2`.execute(trx);
    const schema = sql.id(rows[0]?.schema ?? 'public');
    await sql`grant usage on schema ${schema} to ${role}`.execute(trx);
    for (const { name } of rows) {
      const table = sql.id(name);
      // Also takes back column privileges and anything granted by hand.
      await sql`revoke all on table ${table} from ${role}`.execute(trx);
      if (name in MIGRATOR_TABLES) {
        const verbs = MIGRATOR_TABLES[name];
        if (verbs) await sql`grant ${sql.raw(verbs)} on table ${table} to ${role}`.execute(trx);
        continue;
      }
      const privileges = APP_TABLE_PRIVILEGES[name];
      if (!privileges) {
        unlisted.push(name);
        continue;
      }
      const verbs = ['select'];
      if (!privileges.insert) verbs.push('insert');
      if (privileges.update === true) verbs.push('update');
      if (privileges.delete) verbs.push('delete');
      await sql`grant ${sql.raw(verbs.join(', '))} on table ${table} to ${role}`.execute(trx);
      for (const [verb, columns] of [
        ['insert', privileges.insert],
        ['update', Array.isArray(privileges.update) ? privileges.update : undefined],
      ] as const) {
        if (!columns) continue;
        const list = sql.join(columns.map((c) => sql.id(c)));
        await sql`grant ${sql.raw(verb)} (${list}) on table ${table} to ${role}`.execute(trx);
      }
    }
    // nextval() for the bigserial defaults and for entry ids taken ahead (fund_post_receipt);
    // no setval, which needs UPDATE.
    await sql`revoke all on all sequences in schema ${schema} from ${role}`.execute(trx);
    await sql`grant usage, select on all sequences in schema ${schema} to ${role}`.execute(trx);
    await sql`grant execute on all functions in schema ${schema} to ${role}`.execute(trx);
  });
  return { unlisted };
}

/** Whether `role` exists in the cluster (roles are cluster-wide, databases are not). */
export async function roleExists(db: Kysely<any>, role: string): Promise<boolean> {
  const { rows } = await sql`select 1 from pg_roles where rolname = ${role}`.execute(db);
  return rows.length > 0;
}
