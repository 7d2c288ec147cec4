import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Reversing an entry on fund money is as strong as a manual entry (reversing a payout puts the
// money back into its pot, to be paid again): it, too, is a proposal until a second fund
// administrator approves it. The proposal names the entry it reverses; that never changes.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger_entry_proposals add column reverses_entry_id bigint references ledger_entries(id)`.execute(
    db,
  );
  await sql`create or replace function ledger_entry_proposal_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' or old.status <> 'proposed' or new.status = 'proposed'
         or new.id <> old.id or new.organization_id is distinct from old.organization_id
         or new.description <> old.description or new.effective_on is distinct from old.effective_on
         or new.postings <> old.postings or new.proposed_by <> old.proposed_by
         or new.proposed_at <> old.proposed_at
         or new.reverses_entry_id is distinct from old.reverses_entry_id then
        raise exception 'ledger_entry_proposals: a proposal is resolved once and never changed'
          using errcode = 'RL021';
      end if;
      return new;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function ledger_entry_proposal_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' or old.status <> 'proposed' or new.status = 'proposed'
         or new.id <> old.id or new.organization_id is distinct from old.organization_id
         or new.description <> old.description or new.effective_on is distinct from old.effective_on
         or new.postings <> old.postings or new.proposed_by <> old.proposed_by
         or new.proposed_at <> old.proposed_at then
        raise exception 'ledger_entry_proposals: a proposal is resolved once and never changed'
          using errcode = 'RL021';
      end if;
      return new;
    end $$`.execute(db);
  await sql`alter table ledger_entry_proposals drop column if exists reverses_entry_id`.execute(db);
}
