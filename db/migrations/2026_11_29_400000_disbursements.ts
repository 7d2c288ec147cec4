import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Maker-checker is enforced by PostgreSQL as well as by code: an approval by the requester is
// refused by a trigger, so no code path can let one person both ask for and release money.
// The money itself lives in the ledger: a disbursement only points at its reservation (pending,
// on approval) and at the entry that posted it (paid).

const PURPOSES = `'compensation_award', 'interim_assistance', 'medical', 'legal', 'accommodation',
  'livelihood', 'education', 'return_travel', 'other'`;

export async function up(db: Kysely<any>): Promise<void> {
  // Per fund: the order in which pots are tried, and amounts above which two approvers are needed.
  await sql`create table disbursement_policies (
    fund_id uuid primary key references funds(id),
    pot_order text[] not null default '{}',
    updated_by uuid references users(id),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table disbursement_thresholds (
    fund_id uuid not null references funds(id),
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    above bigint not null check (above > 0),
    primary key (fund_id, currency)
  )`.execute(db);

  await sql`create table disbursements (
    id uuid primary key default gen_random_uuid(),
    fund_id uuid not null references funds(id),
    victim_id uuid not null references victims(id),
    claim_id uuid references claims(id),
    purpose text not null check (purpose in (${sql.raw(PURPOSES)})),
    amount bigint not null check (amount > 0),
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    requested_pot text,
    pot_code text,
    rationale text not null check (length(btrim(rationale)) between 1 and 4000),
    channel text not null check (channel in
      ('bank_transfer', 'mobile_money', 'cash', 'cheque', 'partner_organization')),
    payee_enc text,
    payment_reference text not null unique check (payment_reference ~ '^PAY-[0-9A-Z]{10}$'),
    status text not null default 'requested'
      check (status in ('requested', 'approved', 'rejected', 'paid', 'failed')),
    approvals_required smallint not null check (approvals_required in (1, 2)),
    reservation_id bigint unique references ledger_reservations(id),
    entry_id bigint unique references ledger_entries(id),
    requested_by uuid not null references users(id),
    requested_at timestamptz not null default now(),
    approved_at timestamptz,
    paid_on date,
    external_reference text,
    resolved_by uuid references users(id),
    resolved_at timestamptz,
    resolution_reason text,
    foreign key (fund_id, requested_pot) references fund_pots (fund_id, code),
    foreign key (fund_id, pot_code) references fund_pots (fund_id, code),
    check ((status in ('approved', 'paid')) <= (reservation_id is not null and pot_code is not null
      and approved_at is not null)),
    check ((status = 'paid') = (entry_id is not null)),
    check ((status = 'paid') = (paid_on is not null)),
    check ((status in ('rejected', 'paid', 'failed')) = (resolved_at is not null))
  )`.execute(db);
  await sql`create index disbursements_fund on disbursements (fund_id, requested_at, id)`.execute(db);
  await sql`create index disbursements_victim on disbursements (victim_id, requested_at)`.execute(db);

  await sql`create table disbursement_approvals (
    disbursement_id uuid not null references disbursements(id),
    approver_id uuid not null references users(id),
    approved_at timestamptz not null default now(),
    primary key (disbursement_id, approver_id)
  )`.execute(db);

  await sql`create function disbursement_approval_check() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from disbursements where id = new.disbursement_id and requested_by = new.approver_id) then
        raise exception 'the requester of a disbursement may not approve it' using errcode = 'RD001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger disbursement_approvals_maker_checker before insert or update on disbursement_approvals
    for each row execute function disbursement_approval_check()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'disbursement_approvals',
    'disbursements',
    'disbursement_thresholds',
    'disbursement_policies',
  ])
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  await sql`drop function if exists disbursement_approval_check()`.execute(db);
}
