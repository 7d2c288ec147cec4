import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.

const REFERENCE = '[2-9ABCDEFGHJKMNPQRSTVWXYZ]{8}';
const HEADS = `'unpaid_wages', 'legal_fees', 'medical_expenses', 'lost_opportunities', 'pain_and_suffering', 'other'`;

export async function up(db: Kysely<any>): Promise<void> {
  // Identifying fields are ciphertext (`*_enc`); nothing here holds a name, birth date, contact
  // or document number in the clear. Document numbers are findable only through a keyed hash.
  await sql`create table victims (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations(id),
    reference text not null unique check (reference ~ ${sql.lit(`^V-${REFERENCE}$`)}),
    full_name_enc text not null,
    date_of_birth_enc text,
    contact_enc text,
    guardian_enc text,
    documents_enc text,
    nationality text check (nationality ~ '^[A-Z]{2}$'),
    preferred_language text not null check (preferred_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    is_child boolean not null default false,
    safe_to_contact boolean not null default false,
    consent_share_with_fund_agency boolean not null,
    consent_contact_by_email boolean not null,
    jurisdiction text check (jurisdiction ~ '^[A-Z]{2}$'),
    identified_on date,
    reflection_days integer check (reflection_days between 0 and 366),
    is_witness boolean not null default false,
    witness_override boolean,
    created_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((identified_on is null) = (reflection_days is null))
  )`.execute(db);
  await sql`create index victims_organization on victims (organization_id, created_at desc)`.execute(db);

  await sql`create table victim_document_index (
    victim_id uuid not null references victims(id),
    organization_id uuid not null references organizations(id),
    number_hash text not null,
    primary key (victim_id, number_hash)
  )`.execute(db);
  await sql`create index victim_document_index_lookup on victim_document_index (organization_id, number_hash)`.execute(
    db,
  );

  // When the victim was a witness, kept so the assistance register can tell "while a witness".
  await sql`create table victim_witness_history (
    id bigserial primary key,
    victim_id uuid not null references victims(id),
    is_witness boolean not null,
    source text not null check (source in ('automatic', 'manual')),
    changed_at timestamptz not null default now(),
    changed_by uuid references users(id)
  )`.execute(db);
  await sql`create index victim_witness_history_victim on victim_witness_history (victim_id, id)`.execute(db);

  await sql`create table claims (
    id uuid primary key default gen_random_uuid(),
    seq bigserial not null unique,
    reference text not null unique check (reference ~ ${sql.lit(`^C-${REFERENCE}$`)}),
    victim_id uuid not null references victims(id),
    organization_id uuid not null references organizations(id),
    route text not null check (route in ('civil', 'labour', 'criminal', 'state_fund')),
    mode text check (mode in ('joined_civil_claim', 'compensation_order')),
    fund_id uuid,
    jurisdiction text not null check (jurisdiction ~ '^[A-Z]{2}$'),
    forum text,
    case_number text,
    respondent text,
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    status text not null,
    status_since date not null,
    filed_on date not null,
    cause_of_action_on date,
    assignee_id uuid references users(id),
    created_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((route = 'criminal') = (mode is not null)),
    check ((route = 'state_fund') = (fund_id is not null)),
    check (cause_of_action_on is null or cause_of_action_on <= filed_on)
  )`.execute(db);
  // Lists are ordered by seq (newest first) and filtered within the caller's reach.
  await sql`create index claims_org_seq on claims (organization_id, seq desc)`.execute(db);
  await sql`create index claims_org_route on claims (organization_id, route, seq desc)`.execute(db);
  await sql`create index claims_org_route_status on claims (organization_id, route, status, seq desc)`.execute(
    db,
  );
  await sql`create index claims_org_status on claims (organization_id, status, seq desc)`.execute(db);
  await sql`create index claims_victim on claims (victim_id, seq desc)`.execute(db);
  await sql`create index claims_assignee on claims (assignee_id, seq desc) where assignee_id is not null`.execute(
    db,
  );
  await sql`create index claims_fund on claims (fund_id, seq desc) where fund_id is not null`.execute(db);

  await sql`create table claim_heads (
    claim_id uuid not null references claims(id),
    head text not null check (head in (${sql.raw(HEADS)})),
    description text,
    claimed_minor bigint not null check (claimed_minor > 0),
    decided_minor bigint check (decided_minor >= 0),
    offset_minor bigint not null default 0 check (offset_minor >= 0),
    awarded_minor bigint not null default 0 check (awarded_minor >= 0),
    received_minor bigint not null default 0 check (received_minor >= 0),
    primary key (claim_id, head),
    check (head <> 'other' or description is not null)
  )`.execute(db);

  await sql`create table claim_transitions (
    id bigserial primary key,
    claim_id uuid not null references claims(id),
    from_status text,
    to_status text not null,
    occurred_on date not null,
    recorded_at timestamptz not null default now(),
    recorded_by uuid not null references users(id),
    note text,
    award jsonb
  )`.execute(db);
  await sql`create index claim_transitions_claim on claim_transitions (claim_id, id)`.execute(db);

  await sql`create table claim_deadlines (
    claim_id uuid not null references claims(id),
    kind text not null,
    due_on date not null,
    met_on date,
    basis text not null,
    primary key (claim_id, kind)
  )`.execute(db);
  await sql`create index claim_deadlines_open on claim_deadlines (due_on, claim_id) where met_on is null`.execute(
    db,
  );

  await sql`create table payments_received (
    id uuid primary key default gen_random_uuid(),
    claim_id uuid not null,
    victim_id uuid not null references victims(id),
    head text not null,
    amount_minor bigint not null check (amount_minor > 0),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    received_on date not null,
    payer text not null check (payer in ('perpetrator', 'employer', 'fund', 'other')),
    paid_to text not null check (paid_to in ('victim', 'fund')),
    fund_id uuid,
    recovery_minor bigint not null default 0 check (recovery_minor >= 0),
    trust_minor bigint not null default 0 check (trust_minor >= 0),
    fund_receipt_id uuid,
    note text,
    recorded_by uuid not null references users(id),
    recorded_at timestamptz not null default now(),
    foreign key (claim_id, head) references claim_heads(claim_id, head),
    check ((paid_to = 'fund') = (fund_id is not null)),
    check (recovery_minor + trust_minor = case when paid_to = 'fund' then amount_minor else 0 end)
  )`.execute(db);
  await sql`create index payments_received_victim on payments_received (victim_id, received_on)`.execute(db);
  await sql`create index payments_received_claim on payments_received (claim_id, received_on)`.execute(db);

  // History and money received are facts: corrections are new rows, never edits.
  await sql`create function redress_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  for (const table of ['claim_transitions', 'payments_received', 'victim_witness_history']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function redress_append_only()`.execute(db);
  }

  // Per-fund subrogation policy (the funds table belongs to the ledger; no FK on purpose).
  await sql`create table fund_subrogation_policies (
    fund_id uuid primary key,
    policy text not null check (policy in ('victim_first', 'fund_first')),
    updated_by uuid not null references users(id),
    updated_at timestamptz not null default now()
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'fund_subrogation_policies',
    'payments_received',
    'claim_deadlines',
    'claim_transitions',
    'claim_heads',
    'claims',
    'victim_witness_history',
    'victim_document_index',
    'victims',
  ]) {
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  }
  await sql`drop function if exists redress_append_only()`.execute(db);
}
