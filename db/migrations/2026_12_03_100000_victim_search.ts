import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Finding people and cases (issue 13, items 1-3):
// - victim_name_index: keyed HMACs of a victim's normalised name (kind 'full') and of each of
//   its words (kind 'token'), never the words themselves. The key lives outside the database,
//   so this migration cannot fill it for existing victims: the app does at start, and
//   `npm run cli -- reindex-victims` does on demand.
// - victims.assignee_id: the worker whose caseload the victim is in (first: whoever registered).
// - claims.notes_enc (notes may name people: FieldCipher ciphertext) and claim_changes:
//   corrections of a claim's particulars, with who, when and why. A change of the notes keeps
//   its from/to values as ciphertext too.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table victim_name_index (
    victim_id uuid not null references victims(id),
    organization_id uuid not null references organizations(id),
    kind text not null check (kind in ('full', 'token')),
    token_hmac text not null check (token_hmac ~ '^[0-9a-f]{64}$'),
    primary key (victim_id, kind, token_hmac)
  )`.execute(db);
  await sql`create index victim_name_index_lookup on victim_name_index (organization_id, token_hmac, kind)`.execute(
    db,
  );

  await sql`alter table victims add column assignee_id uuid references users(id)`.execute(db);
  await sql`update victims set assignee_id = created_by`.execute(db);
  await sql`create index victims_assignee on victims (organization_id, assignee_id)`.execute(db);
  await sql`create index claims_case_number on claims (organization_id, lower(case_number))`.execute(db);

  await sql`alter table claims add column notes_enc text`.execute(db);
  await sql`create table claim_changes (
    id bigserial primary key,
    claim_id uuid not null references claims(id),
    field text not null check (field in ('caseNumber', 'forum', 'respondent', 'assigneeId', 'notes')),
    from_value text,
    to_value text,
    reason text not null check (length(reason) between 1 and 1000),
    changed_by uuid not null references users(id),
    changed_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index claim_changes_claim on claim_changes (claim_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists claim_changes`.execute(db);
  await sql`alter table claims drop column if exists notes_enc`.execute(db);
  await sql`drop index if exists claims_case_number`.execute(db);
  await sql`alter table victims drop column if exists assignee_id`.execute(db);
  await sql`drop table if exists victim_name_index`.execute(db);
}
