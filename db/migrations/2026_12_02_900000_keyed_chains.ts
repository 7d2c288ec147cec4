import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Chain links become HMACs under a key held outside the database (CHAIN_KEYS); each sealed row
// records the id of the key that signed it. Rows sealed before this migration keep their unkeyed
// links: how far they reach is recorded here, once, in an append-only table, so an unkeyed link
// forged later (beyond that point) fails verification instead of passing as "old".
//
// Approvals are evidence like the audit trail: once given, an approval is never edited or removed.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_events add column chain_key_id text`.execute(db);
  await sql`alter table ledger_entries add column chain_key_id text`.execute(db);

  // The ledger guard compares whole rows except the chain columns; the key id is one of them now.
  await sql`create or replace function ledger_entry_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' then
        raise exception 'ledger_entries is append-only: % refused', tg_op using errcode = 'RL010';
      end if;
      -- Sealing sets the chain columns exactly once; nothing else ever changes.
      if old.chain_seq is not null or new.chain_seq is null
         or (to_jsonb(new) - array['chain_seq', 'prev_hash', 'hash', 'chain_key_id'])
            <> (to_jsonb(old) - array['chain_seq', 'prev_hash', 'hash', 'chain_key_id']) then
        raise exception 'ledger_entries is append-only: UPDATE refused' using errcode = 'RL010';
      end if;
      return new;
    end $$`.execute(db);

  await sql`create table chain_legacy_bounds (
    chain text primary key check (chain in ('audit', 'ledger')),
    last_legacy_seq bigint not null check (last_legacy_seq >= 0),
    recorded_at timestamptz not null default now()
  )`.execute(db);
  await sql`insert into chain_legacy_bounds (chain, last_legacy_seq)
    select 'audit', coalesce(max(chain_seq), 0) from audit_events
    union all
    select 'ledger', coalesce(max(chain_seq), 0) from ledger_entries`.execute(db);

  for (const table of ['chain_legacy_bounds', 'disbursement_approvals']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function redress_append_only()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function redress_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['chain_legacy_bounds', 'disbursement_approvals']) {
    await sql`drop trigger if exists ${sql.raw(`${table}_no_truncate`)} on ${sql.table(table)}`.execute(db);
    await sql`drop trigger if exists ${sql.raw(`${table}_append_only`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop table if exists chain_legacy_bounds`.execute(db);
  await sql`create or replace function ledger_entry_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' then
        raise exception 'ledger_entries is append-only: % refused', tg_op using errcode = 'RL010';
      end if;
      if old.chain_seq is not null or new.chain_seq is null
         or (to_jsonb(new) - array['chain_seq', 'prev_hash', 'hash'])
            <> (to_jsonb(old) - array['chain_seq', 'prev_hash', 'hash']) then
        raise exception 'ledger_entries is append-only: UPDATE refused' using errcode = 'RL010';
      end if;
      return new;
    end $$`.execute(db);
  await sql`alter table ledger_entries drop column if exists chain_key_id`.execute(db);
  await sql`alter table audit_events drop column if exists chain_key_id`.execute(db);
}
