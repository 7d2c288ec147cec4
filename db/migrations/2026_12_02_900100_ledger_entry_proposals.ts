import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Maker-checker for manual journal entries that move a fund's money (a pot or its bank and cash
// accounts): such an entry is first a proposal; a different fund administrator approves it and
// only then is it posted. PostgreSQL holds the rule as well as the code: an approval by the
// proposer is refused, approvals are append-only, a proposal's content never changes, and a
// manual entry touching fund money cannot commit unless a proposal approved by someone else
// than its proposer points at it.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table ledger_entry_proposals (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid references organizations(id),
    description text not null check (length(btrim(description)) between 1 and 500),
    effective_on date,
    postings jsonb not null check (jsonb_typeof(postings) = 'array'),
    status text not null default 'proposed' check (status in ('proposed', 'posted', 'rejected')),
    proposed_by uuid not null references users(id),
    proposed_at timestamptz not null default now(),
    entry_id bigint unique references ledger_entries(id),
    resolved_by uuid references users(id),
    resolved_at timestamptz,
    resolution_reason text,
    check ((status = 'posted') = (entry_id is not null)),
    check ((status = 'proposed') = (resolved_at is null)),
    check (status <> 'posted' or resolved_by <> proposed_by)
  )`.execute(db);
  await sql`create index ledger_entry_proposals_open on ledger_entry_proposals (organization_id, proposed_at)
    where status = 'proposed'`.execute(db);

  await sql`create table ledger_entry_proposal_approvals (
    proposal_id uuid not null references ledger_entry_proposals(id),
    approver_id uuid not null references users(id),
    approved_at timestamptz not null default now(),
    primary key (proposal_id, approver_id)
  )`.execute(db);

  await sql`create function ledger_entry_proposal_approval_check() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from ledger_entry_proposals where id = new.proposal_id and proposed_by = new.approver_id) then
        raise exception 'the proposer of a ledger entry may not approve it' using errcode = 'RL020';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger ledger_entry_proposal_approvals_maker_checker
    before insert on ledger_entry_proposal_approvals
    for each row execute function ledger_entry_proposal_approval_check()`.execute(db);
  await sql`create trigger ledger_entry_proposal_approvals_append_only
    before update or delete on ledger_entry_proposal_approvals
    for each row execute function redress_append_only()`.execute(db);
  await sql`create trigger ledger_entry_proposal_approvals_no_truncate
    before truncate on ledger_entry_proposal_approvals
    for each statement execute function redress_append_only()`.execute(db);

  // A proposal is resolved once; what was proposed never changes.
  await sql`create function ledger_entry_proposal_guard() returns trigger language plpgsql as $$
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
  await sql`create trigger ledger_entry_proposals_resolve_once before update or delete on ledger_entry_proposals
    for each row execute function ledger_entry_proposal_guard()`.execute(db);
  await sql`create trigger ledger_entry_proposals_no_truncate before truncate on ledger_entry_proposals
    for each statement execute function redress_append_only()`.execute(db);

  // At commit: a manual entry that moved a fund's pot or bank needs an approved proposal.
  await sql`create function ledger_manual_entry_approved() returns trigger language plpgsql as $$
    begin
      if new.kind = 'manual'
         and exists (select 1 from ledger_postings p join ledger_accounts a on a.id = p.account_id
                      where p.entry_id = new.id and a.fund_id is not null and a.role in ('pot', 'bank'))
         and not exists (select 1 from ledger_entry_proposals r
                          join ledger_entry_proposal_approvals v on v.proposal_id = r.id
                          where r.entry_id = new.id and r.status = 'posted' and v.approver_id <> r.proposed_by) then
        raise exception 'manual entry % moves fund money without an approved proposal', new.id
          using errcode = 'RL022';
      end if;
      return null;
    end $$`.execute(db);
  await sql`create constraint trigger ledger_manual_entries_approved after insert on ledger_entries
    deferrable initially deferred for each row execute function ledger_manual_entry_approved()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists ledger_manual_entries_approved on ledger_entries`.execute(db);
  await sql`drop table if exists ledger_entry_proposal_approvals`.execute(db);
  await sql`drop table if exists ledger_entry_proposals`.execute(db);
  for (const f of [
    'ledger_manual_entry_approved()',
    'ledger_entry_proposal_guard()',
    'ledger_entry_proposal_approval_check()',
  ])
    await sql.raw(`drop function if exists ${f}`).execute(db);
}
