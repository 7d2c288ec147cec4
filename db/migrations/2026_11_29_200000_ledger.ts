import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// The books are enforced by PostgreSQL itself, so no code path, retry or race can break them:
// - postings update their account's balance in a BEFORE INSERT trigger (the balance cannot
//   drift from its postings) and record balance_after, so "balance as of T" is an index lookup;
// - accounts that may not go negative carry a CHECK on posted − pending, which holds under any
//   concurrency because every change to an account row is serialized by its row lock;
// - a DEFERRED constraint trigger checks, at commit, that each entry has ≥ 2 postings, balances
//   per currency, and keeps every fund's pots equal to its bank/cash, per currency;
// - entries, postings, reservation lines are immutable (UPDATE/DELETE/TRUNCATE refused);
// - an entry can be reversed once: a UNIQUE constraint on reverses_entry_id.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table funds (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations(id),
    name text not null check (length(name) between 1 and 200),
    currency char(3) not null,
    currencies text[] not null check (cardinality(currencies) between 1 and 20),
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    check (currency = any(currencies))
  )`.execute(db);
  await sql`create index funds_organization on funds (organization_id, created_at, id)`.execute(db);

  await sql`create table fund_pots (
    fund_id uuid not null references funds(id),
    code text not null check (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    name text not null,
    kind text not null check (kind in ('unrestricted', 'reserved', 'restricted', 'trust')),
    purposes text[] not null,
    primary key (fund_id, code)
  )`.execute(db);

  await sql`create table ledger_accounts (
    id bigint generated always as identity primary key,
    fund_id uuid references funds(id),
    code text not null,
    name text not null,
    type text not null check (type in ('asset', 'liability', 'net_assets', 'revenue', 'expense')),
    normal_side text not null check (normal_side in ('debit', 'credit')),
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    role text not null check (role in ('bank', 'pot', 'allocated', 'revenue', 'expense', 'other')),
    pot_code text,
    non_negative boolean not null,
    posted bigint not null default 0,
    pending bigint not null default 0 check (pending >= 0),
    version bigint not null default 0,
    created_at timestamptz not null default now(),
    unique (fund_id, code),
    foreign key (fund_id, pot_code) references fund_pots (fund_id, code),
    check ((role = 'pot') = (pot_code is not null)),
    constraint ledger_accounts_available_non_negative check (not non_negative or posted - pending >= 0)
  )`.execute(db);
  await sql`create index ledger_accounts_fund on ledger_accounts (fund_id, currency)`.execute(db);

  await sql`create table ledger_entries (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('receipt', 'pot_transfer', 'manual', 'reversal', 'disbursement', 'other')),
    description text not null check (length(description) between 1 and 500),
    effective_on date not null default current_date,
    reverses_entry_id bigint references ledger_entries(id),
    created_by uuid,
    created_at timestamptz not null default now(),
    created_txid bigint not null default txid_current(),
    metadata jsonb not null default '{}'::jsonb,
    chain_seq bigint unique,
    prev_hash text,
    hash text,
    constraint ledger_entries_reversed_once unique (reverses_entry_id),
    check (reverses_entry_id is null or reverses_entry_id <> id)
  )`.execute(db);
  await sql`create index ledger_entries_unsealed on ledger_entries (id) where chain_seq is null`.execute(db);

  await sql`create table ledger_postings (
    id bigint generated always as identity primary key,
    entry_id bigint not null references ledger_entries(id),
    account_id bigint not null references ledger_accounts(id),
    side text not null check (side in ('debit', 'credit')),
    amount bigint not null check (amount > 0),
    currency char(3) not null,
    balance_after bigint not null,
    posted_at timestamptz not null
  )`.execute(db);
  await sql`create index ledger_postings_entry on ledger_postings (entry_id)`.execute(db);
  await sql`create index ledger_postings_account_time on ledger_postings (account_id, posted_at, id)`.execute(
    db,
  );

  await sql`create table ledger_reservations (
    id bigint generated always as identity primary key,
    status text not null default 'pending' check (status in ('pending', 'posted', 'voided')),
    description text not null check (length(description) between 1 and 500),
    metadata jsonb not null default '{}'::jsonb,
    created_by uuid,
    created_at timestamptz not null default clock_timestamp(),
    created_txid bigint not null default txid_current(),
    resolved_at timestamptz,
    entry_id bigint unique references ledger_entries(id),
    check ((status = 'pending') = (resolved_at is null)),
    check ((status = 'posted') = (entry_id is not null))
  )`.execute(db);
  await sql`create table ledger_reservation_lines (
    id bigint generated always as identity primary key,
    reservation_id bigint not null references ledger_reservations(id),
    account_id bigint not null references ledger_accounts(id),
    side text not null check (side in ('debit', 'credit')),
    amount bigint not null check (amount > 0),
    currency char(3) not null,
    holds boolean not null
  )`.execute(db);
  await sql`create index ledger_reservation_lines_reservation on ledger_reservation_lines (reservation_id)`.execute(
    db,
  );
  await sql`create index ledger_reservations_pending on ledger_reservations (id) where status = 'pending'`.execute(
    db,
  );

  await sql`create table fund_receipts (
    id uuid primary key default gen_random_uuid(),
    fund_id uuid not null references funds(id),
    entry_id bigint not null unique references ledger_entries(id),
    source text not null,
    pot_code text not null,
    amount bigint not null check (amount > 0),
    currency char(3) not null,
    received_on date not null,
    reference text,
    donor text,
    created_by uuid,
    created_at timestamptz not null default now(),
    foreign key (fund_id, pot_code) references fund_pots (fund_id, code)
  )`.execute(db);
  await sql`create index fund_receipts_fund on fund_receipts (fund_id, created_at)`.execute(db);

  await sql`create table fund_pot_transfers (
    id uuid primary key default gen_random_uuid(),
    fund_id uuid not null references funds(id),
    entry_id bigint not null unique references ledger_entries(id),
    from_pot text not null,
    to_pot text not null,
    amount bigint not null check (amount > 0),
    currency char(3) not null,
    reason text not null,
    created_by uuid,
    created_at timestamptz not null default now(),
    foreign key (fund_id, from_pot) references fund_pots (fund_id, code),
    foreign key (fund_id, to_pot) references fund_pots (fund_id, code),
    check (from_pot <> to_pot)
  )`.execute(db);

  await createFunctions(db);
  await createTriggers(db);
}

async function createFunctions(db: Kysely<any>): Promise<void> {
  await sql`create function ledger_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'RL010';
    end $$`.execute(db);

  // The "insufficient funds" error carries what the API needs to name the pot and the amount
  // available, because after an error the transaction can no longer be queried.
  await sql`create function ledger_insufficient(p_account bigint, p_requested bigint) returns void
    language plpgsql as $$
    declare a ledger_accounts;
    begin
      select * into a from ledger_accounts where id = p_account;
      raise exception 'insufficient funds in account %', p_account using errcode = 'RL001',
        detail = json_build_object('accountId', a.id::text, 'code', a.code, 'pot', a.pot_code,
          'currency', a.currency, 'available', (a.posted - a.pending)::text,
          'requested', p_requested::text)::text;
    end $$`.execute(db);

  await sql`create function ledger_posting_apply() returns trigger language plpgsql as $$
    declare
      v_txid bigint;
      v_delta bigint;
      v_acc record;
    begin
      select created_txid into v_txid from ledger_entries where id = new.entry_id;
      if v_txid is distinct from txid_current() then
        raise exception 'postings can only be added in the transaction that creates their entry'
          using errcode = 'RL010';
      end if;
      update ledger_accounts a
         set posted = a.posted + case when new.side = a.normal_side then new.amount else -new.amount end,
             version = a.version + 1
       where a.id = new.account_id
         and (not a.non_negative or new.side = a.normal_side or a.posted - a.pending - new.amount >= 0)
      returning a.posted, a.currency into v_acc;
      if not found then
        if exists (select 1 from ledger_accounts where id = new.account_id) then
          perform ledger_insufficient(new.account_id, new.amount);
        end if;
        raise exception 'no ledger account %', new.account_id using errcode = '23503';
      end if;
      if new.currency is not null and new.currency <> v_acc.currency then
        raise exception 'posting currency % differs from account currency %', new.currency, v_acc.currency
          using errcode = 'RL003';
      end if;
      new.currency := v_acc.currency;
      new.balance_after := v_acc.posted;
      new.posted_at := clock_timestamp();
      return new;
    end $$`.execute(db);

  // Deferred to commit: by then every posting of the entry is in. Checks only this entry's own
  // postings (indexed by entry_id), so its cost does not grow with the ledger.
  await sql`create function ledger_entry_check() returns trigger language plpgsql as $$
    declare v_count int;
    begin
      select count(*) into v_count from ledger_postings where entry_id = new.id;
      if v_count < 2 then
        raise exception 'entry % has % posting(s); at least 2 are required', new.id, v_count
          using errcode = 'RL002';
      end if;
      if exists (select 1 from ledger_postings where entry_id = new.id group by currency
                 having sum(case side when 'debit' then amount else -amount end) <> 0) then
        raise exception 'entry % does not balance per currency', new.id using errcode = 'RL002';
      end if;
      if exists (select 1 from ledger_postings p join ledger_accounts a on a.id = p.account_id
                 where p.entry_id = new.id and a.fund_id is not null and a.role in ('bank', 'pot')
                 group by a.fund_id, p.currency
                 having sum(case when a.role = 'bank' then 1 else -1 end
                            * case when p.side = a.normal_side then p.amount else -p.amount end) <> 0) then
        raise exception 'entry % changes a fund''s pots and bank/cash by different amounts', new.id
          using errcode = 'RL004';
      end if;
      return null;
    end $$`.execute(db);

  await sql`create function ledger_entry_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' then
        raise exception 'ledger_entries is append-only: % refused', tg_op using errcode = 'RL010';
      end if;
      -- Sealing sets the chain columns exactly once; nothing else ever changes.
      if old.chain_seq is not null or new.chain_seq is null
         or (to_jsonb(new) - array['chain_seq', 'prev_hash', 'hash'])
            <> (to_jsonb(old) - array['chain_seq', 'prev_hash', 'hash']) then
        raise exception 'ledger_entries is append-only: UPDATE refused' using errcode = 'RL010';
      end if;
      return new;
    end $$`.execute(db);

  await sql`create function ledger_reservation_line_apply() returns trigger language plpgsql as $$
    declare
      v_res record;
      v_acc record;
    begin
      select created_txid, status into v_res from ledger_reservations where id = new.reservation_id;
      if v_res.created_txid is distinct from txid_current() or v_res.status <> 'pending' then
        raise exception 'lines can only be added in the transaction that creates their reservation'
          using errcode = 'RL010';
      end if;
      select normal_side, currency into v_acc from ledger_accounts where id = new.account_id;
      if not found then
        raise exception 'no ledger account %', new.account_id using errcode = '23503';
      end if;
      if new.currency is not null and new.currency <> v_acc.currency then
        raise exception 'line currency % differs from account currency %', new.currency, v_acc.currency
          using errcode = 'RL003';
      end if;
      new.currency := v_acc.currency;
      -- A line that lowers the account's balance holds that amount: it is no longer available.
      new.holds := new.side <> v_acc.normal_side;
      if new.holds then
        update ledger_accounts a set pending = a.pending + new.amount, version = a.version + 1
         where a.id = new.account_id and (not a.non_negative or a.posted - a.pending - new.amount >= 0);
        if not found then
          perform ledger_insufficient(new.account_id, new.amount);
        end if;
      end if;
      return new;
    end $$`.execute(db);

  // Posting or voiding a reservation releases what it held, in the same statement that changes
  // its status, so pending always equals the lines of pending reservations.
  await sql`create function ledger_reservation_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' then
        raise exception 'ledger_reservations: % refused', tg_op using errcode = 'RL010';
      end if;
      if old.status <> 'pending' or new.status = 'pending' or new.id <> old.id
         or new.description <> old.description or new.created_at <> old.created_at
         or new.created_txid <> old.created_txid or new.metadata <> old.metadata then
        raise exception 'reservation % is already %', old.id, old.status using errcode = 'RL005';
      end if;
      update ledger_accounts a set pending = a.pending - s.total, version = a.version + 1
        from (select account_id, sum(amount) as total from ledger_reservation_lines
               where reservation_id = old.id and holds group by account_id) s
       where a.id = s.account_id;
      return new;
    end $$`.execute(db);

  // PERFORM reads every row (a SQL function would stop at the first and lock only that one).
  await sql`create function ledger_lock_accounts(p_accounts bigint[]) returns void language plpgsql as $$
    begin
      perform 1 from ledger_accounts where id = any(p_accounts) order by id for update;
    end $$`.execute(db);

  // One round trip per entry: lock the accounts in id order (never a deadlock between two
  // entries), insert the entry, insert the postings (the trigger moves balances).
  await sql`create function ledger_post_entry(
      p_kind text, p_description text, p_effective_on date, p_reverses bigint, p_created_by uuid,
      p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[]) returns bigint
    language plpgsql as $$
    declare v_id bigint;
    begin
      perform ledger_lock_accounts(p_accounts);
      insert into ledger_entries (kind, description, effective_on, reverses_entry_id, created_by, metadata)
        values (p_kind, p_description, coalesce(p_effective_on, current_date), p_reverses, p_created_by,
                coalesce(p_metadata, '{}'::jsonb))
        returning id into v_id;
      insert into ledger_postings (entry_id, account_id, side, amount)
        select v_id, t.a, t.s, t.m from unnest(p_accounts, p_sides, p_amounts) with ordinality as t(a, s, m, n)
         order by t.n;
      return v_id;
    end $$`.execute(db);

  await sql`create function ledger_reserve(
      p_description text, p_created_by uuid, p_metadata jsonb,
      p_accounts bigint[], p_sides text[], p_amounts bigint[]) returns bigint
    language plpgsql as $$
    declare v_id bigint;
    begin
      perform ledger_lock_accounts(p_accounts);
      insert into ledger_reservations (description, created_by, metadata)
        values (p_description, p_created_by, coalesce(p_metadata, '{}'::jsonb)) returning id into v_id;
      insert into ledger_reservation_lines (reservation_id, account_id, side, amount, holds)
        select v_id, t.a, t.s, t.m, false
          from unnest(p_accounts, p_sides, p_amounts) with ordinality as t(a, s, m, n) order by t.n;
      return v_id;
    end $$`.execute(db);

  // Lock order: the reservation row, then its accounts by id — the same for post and void.
  await sql`create function ledger_resolve_reservation(
      p_id bigint, p_post boolean, p_description text, p_effective_on date, p_created_by uuid,
      p_metadata jsonb) returns bigint
    language plpgsql as $$
    declare
      v_res ledger_reservations;
      v_accounts bigint[];
      v_entry bigint;
    begin
      select * into v_res from ledger_reservations where id = p_id for update;
      if not found then
        raise exception 'no reservation %', p_id using errcode = 'RL006';
      end if;
      if v_res.status <> 'pending' then
        raise exception 'reservation % is already %', p_id, v_res.status using errcode = 'RL005';
      end if;
      select array_agg(account_id) into v_accounts from ledger_reservation_lines where reservation_id = p_id;
      perform ledger_lock_accounts(v_accounts);
      if not p_post then
        update ledger_reservations set status = 'voided', resolved_at = clock_timestamp() where id = p_id;
        return null;
      end if;
      insert into ledger_entries (kind, description, effective_on, created_by, metadata)
        values ('disbursement', coalesce(p_description, v_res.description), coalesce(p_effective_on, current_date),
                p_created_by, v_res.metadata || coalesce(p_metadata, '{}'::jsonb)
                  || jsonb_build_object('reservationId', p_id::text))
        returning id into v_entry;
      -- Release first, then post: posting while the hold is still counted would double-count it.
      update ledger_reservations set status = 'posted', resolved_at = clock_timestamp(), entry_id = v_entry
       where id = p_id;
      insert into ledger_postings (entry_id, account_id, side, amount)
        select v_entry, account_id, side, amount from ledger_reservation_lines where reservation_id = p_id order by id;
      return v_entry;
    end $$`.execute(db);
}

async function createTriggers(db: Kysely<any>): Promise<void> {
  const stmts = [
    sql`create trigger ledger_postings_apply before insert on ledger_postings
      for each row execute function ledger_posting_apply()`,
    sql`create trigger ledger_postings_immutable before update or delete on ledger_postings
      for each row execute function ledger_refuse_change()`,
    sql`create trigger ledger_postings_no_truncate before truncate on ledger_postings
      for each statement execute function ledger_refuse_change()`,
    sql`create constraint trigger ledger_entries_balanced after insert on ledger_entries
      deferrable initially deferred for each row execute function ledger_entry_check()`,
    sql`create trigger ledger_entries_append_only before update or delete on ledger_entries
      for each row execute function ledger_entry_guard()`,
    sql`create trigger ledger_entries_no_truncate before truncate on ledger_entries
      for each statement execute function ledger_refuse_change()`,
    sql`create trigger ledger_reservation_lines_apply before insert on ledger_reservation_lines
      for each row execute function ledger_reservation_line_apply()`,
    sql`create trigger ledger_reservation_lines_immutable before update or delete on ledger_reservation_lines
      for each row execute function ledger_refuse_change()`,
    sql`create trigger ledger_reservations_resolve before update or delete on ledger_reservations
      for each row execute function ledger_reservation_guard()`,
    sql`create trigger fund_receipts_immutable before update or delete on fund_receipts
      for each row execute function ledger_refuse_change()`,
    sql`create trigger fund_pot_transfers_immutable before update or delete on fund_pot_transfers
      for each row execute function ledger_refuse_change()`,
  ];
  for (const s of stmts) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'fund_pot_transfers',
    'fund_receipts',
    'ledger_reservation_lines',
    'ledger_reservations',
    'ledger_postings',
    'ledger_entries',
    'ledger_accounts',
    'fund_pots',
    'funds',
  ]) {
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  }
  for (const f of [
    'ledger_resolve_reservation(bigint, boolean, text, date, uuid, jsonb)',
    'ledger_reserve(text, uuid, jsonb, bigint[], text[], bigint[])',
    'ledger_post_entry(text, text, date, bigint, uuid, jsonb, bigint[], text[], bigint[])',
    'ledger_lock_accounts(bigint[])',
    'ledger_reservation_guard()',
    'ledger_reservation_line_apply()',
    'ledger_entry_guard()',
    'ledger_entry_check()',
    'ledger_posting_apply()',
    'ledger_insufficient(bigint, bigint)',
    'ledger_refuse_change()',
  ]) {
    await sql.raw(`drop function if exists ${f}`).execute(db);
  }
}
