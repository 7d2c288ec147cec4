import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// - An FX settlement records a conversion the bank actually made to cover a fund's FX position
//   (what was sold, what was bought, the rate, fees and the bank's reference). Its ledger entry
//   moves both banks and both clearing accounts; append-only like receipts.
// - A payout in another currency is converted either by the fund (it holds the payout currency:
//   the money leaves that currency's bank and an FX position opens) or by the bank at payout (the
//   fund does not hold it: the money leaves the award currency's bank directly, fees in that
//   currency). Rows written before this migration were all converted by the fund.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table disbursements
    add column fx_converted_by text check (fx_converted_by in ('fund', 'bank'))`.execute(db);
  await sql`update disbursements set fx_converted_by = 'fund' where payout_currency is not null`.execute(db);
  await sql`alter table disbursements add constraint disbursements_fx_converted_by_set
    check ((payout_currency is null) = (fx_converted_by is null))`.execute(db);

  await sql`create table fund_fx_settlements (
    id uuid primary key default gen_random_uuid(),
    fund_id uuid not null references funds(id),
    entry_id bigint not null unique references ledger_entries(id),
    sold_currency char(3) not null check (sold_currency ~ '^[A-Z]{3}$'),
    sold_amount bigint not null check (sold_amount > 0),
    bought_currency char(3) not null check (bought_currency ~ '^[A-Z]{3}$'),
    bought_amount bigint not null check (bought_amount > 0),
    rate numeric not null check (rate > 0),
    fee_currency char(3) check (fee_currency ~ '^[A-Z]{3}$'),
    fee_amount bigint check (fee_amount > 0),
    bank_reference text not null check (length(btrim(bank_reference)) between 1 and 200),
    settled_on date not null,
    closed boolean not null,
    realized jsonb not null default '{}'::jsonb,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    check (sold_currency <> bought_currency),
    check ((fee_currency is null) = (fee_amount is null)),
    check (fee_currency is null or fee_currency in (sold_currency, bought_currency))
  )`.execute(db);
  await sql`create index fund_fx_settlements_fund on fund_fx_settlements (fund_id, created_at, id)`.execute(
    db,
  );
  await sql`create trigger fund_fx_settlements_immutable before update or delete on fund_fx_settlements
    for each row execute function ledger_refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists fund_fx_settlements`.execute(db);
  await sql`alter table disbursements drop constraint if exists disbursements_fx_converted_by_set,
    drop column if exists fx_converted_by`.execute(db);
}
