import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A payout in another currency than the award (a THB award paid in PHP to a victim who went
// home) keeps what the conversion was: the rate, where it came from and its date, the amount
// the payee receives and the fees, in the payout currency. All or nothing.
//
// The ledger side needs no change to the rules: the FX clearing accounts (one per currency of
// a pair, per fund) are cash in transit between currencies and take the `bank` role, so the
// deferred trigger's "pots = bank/cash per fund and currency" holds in both currencies.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table disbursements
    add column payout_currency char(3) check (payout_currency ~ '^[A-Z]{3}$'),
    add column payout_amount bigint check (payout_amount > 0),
    add column payout_fees bigint check (payout_fees >= 0),
    add column fx_rate numeric check (fx_rate > 0),
    add column fx_rate_source text check (length(btrim(fx_rate_source)) between 1 and 500),
    add column fx_rate_date date,
    add constraint disbursements_payout_complete check (
      (payout_currency is null and payout_amount is null and payout_fees is null and fx_rate is null
        and fx_rate_source is null and fx_rate_date is null)
      or (payout_currency is not null and payout_amount is not null and payout_fees is not null
        and fx_rate is not null and fx_rate_source is not null and fx_rate_date is not null
        and payout_currency <> currency))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table disbursements drop constraint if exists disbursements_payout_complete,
    drop column if exists payout_currency, drop column if exists payout_amount,
    drop column if exists payout_fees, drop column if exists fx_rate,
    drop column if exists fx_rate_source, drop column if exists fx_rate_date`.execute(db);
}
