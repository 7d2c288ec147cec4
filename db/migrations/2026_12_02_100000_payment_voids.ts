import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// - A payment received is a fact and stays append-only; a mistaken record is voided by a row of
//   its own (one per payment, so a second void is refused by the primary key), with the reason,
//   who voided it and the ledger entries that reversed any fund receipts it had posted.
// - The part of a head's money that sits in the victim's trust pot (paid into the fund for them,
//   or a child's award held in trust) is kept beside `received_minor`, so every reader can tell
//   "held in trust" from "reached the family" without joining payments and disbursements.
// - Some moves of a claim are made by the system (a fully paid award moves to `paid`): such a
//   history entry has no recording user and says so.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table payment_voids (
    payment_id uuid primary key references payments_received(id),
    claim_id uuid not null references claims(id),
    reason text not null check (length(btrim(reason)) > 0),
    voided_by uuid not null references users(id),
    voided_at timestamptz not null default now(),
    recovery_reversal_entry_id bigint references ledger_entries(id),
    trust_reversal_entry_id bigint references ledger_entries(id)
  )`.execute(db);
  await sql`create index payment_voids_claim on payment_voids (claim_id)`.execute(db);
  await sql`create trigger payment_voids_append_only before update or delete on payment_voids
    for each row execute function redress_append_only()`.execute(db);

  await sql`alter table claim_heads add column held_in_trust_minor bigint not null default 0
    constraint claim_heads_held_in_trust check (held_in_trust_minor >= 0 and held_in_trust_minor <= received_minor)`.execute(
    db,
  );
  await sql`update claim_heads h set held_in_trust_minor = t.held from (
      select p.claim_id, p.head,
        sum(p.trust_minor + case when d.hold_in_trust then p.amount_minor else 0 end) as held
      from payments_received p left join disbursements d on d.id = p.disbursement_id
      group by p.claim_id, p.head) t
    where t.claim_id = h.claim_id and t.head = h.head and t.held > 0`.execute(db);

  await sql`alter table claim_transitions alter column recorded_by drop not null`.execute(db);
  await sql`alter table claim_transitions add column by_system boolean not null default false`.execute(db);
  await sql`alter table claim_transitions add constraint claim_transitions_recorder
    check (by_system = (recorded_by is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table claim_transitions drop constraint if exists claim_transitions_recorder`.execute(db);
  await sql`alter table claim_transitions drop column if exists by_system`.execute(db);
  await sql`alter table claim_heads drop column if exists held_in_trust_minor`.execute(db);
  await sql`drop table if exists payment_voids`.execute(db);
}
