import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Documents and evidence attached to a victim, a claim, a decision (a claim transition with an
// outcome) or a disbursement. `documents` holds what the service needs to find, show and
// decrypt a file — the file name encrypted (it can identify a person), the per-file data key
// wrapped by the PII key ring (its key id beside it, so keys rotate by re-wrapping only) and
// the GCM nonce and tag — and never the content. The content, encrypted, lives behind a storage
// interface; the default store is `document_contents`, an opaque blob per document id, so a
// small office needs no extra server.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table documents (
    id uuid primary key default gen_random_uuid(),
    owner_kind text not null check (owner_kind in ('victim', 'claim', 'decision', 'disbursement')),
    victim_id uuid references victims(id),
    claim_id uuid references claims(id),
    decision_id bigint references claim_transitions(id),
    disbursement_id uuid references disbursements(id),
    kind text not null,
    filename_enc text not null,
    media_type text not null,
    size_bytes bigint not null check (size_bytes > 0),
    store text not null,
    key_id text not null,
    wrapped_key text not null,
    content_iv bytea not null,
    content_tag bytea not null,
    uploaded_by uuid not null references users(id),
    uploaded_at timestamptz not null default now(),
    answers_transition_id bigint references claim_transitions(id),
    voided_at timestamptz,
    voided_by uuid references users(id),
    void_reason_enc text,
    -- exactly the owner columns its kind names (a decision also names its claim)
    check (
      (owner_kind = 'victim' and victim_id is not null and num_nonnulls(claim_id, decision_id, disbursement_id) = 0)
      or (owner_kind = 'claim' and claim_id is not null and num_nonnulls(victim_id, decision_id, disbursement_id) = 0)
      or (owner_kind = 'decision' and claim_id is not null and decision_id is not null
          and num_nonnulls(victim_id, disbursement_id) = 0)
      or (owner_kind = 'disbursement' and disbursement_id is not null
          and num_nonnulls(victim_id, claim_id, decision_id) = 0)
    ),
    check ((voided_at is null) = (voided_by is null) and (voided_at is null) = (void_reason_enc is null)),
    check (answers_transition_id is null or owner_kind = 'claim')
  )`.execute(db);
  await sql`create index documents_victim on documents (victim_id, uploaded_at) where victim_id is not null`.execute(
    db,
  );
  await sql`create index documents_claim on documents (claim_id, uploaded_at) where claim_id is not null`.execute(
    db,
  );
  await sql`create index documents_disbursement on documents (disbursement_id, uploaded_at)
    where disbursement_id is not null`.execute(db);
  // rotation re-wraps the keys of documents not yet under the newest key
  await sql`create index documents_key on documents (key_id)`.execute(db);

  await sql`create table document_contents (
    id uuid primary key,
    ciphertext bytea not null,
    stored_at timestamptz not null default now()
  )`.execute(db);
  // Large values go out of line and uncompressed: ciphertext does not compress.
  await sql`alter table document_contents alter column ciphertext set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists document_contents`.execute(db);
  await sql`drop table if exists documents`.execute(db);
}
