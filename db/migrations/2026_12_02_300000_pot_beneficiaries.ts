import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A restriction says who may benefit as well as what for: `fund_pots.beneficiaries` is null (any
// victim) or {children?: true, nationalities?: [ISO 3166 alpha-2], programmes?: [code]}; every
// criterion named must hold. Victims get the programmes they are enrolled in, kept in clear
// (like nationality and is_child) so that pot selection can read it without the PII keys.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table fund_pots add column beneficiaries jsonb
    constraint fund_pots_beneficiaries_object check (beneficiaries is null or jsonb_typeof(beneficiaries) = 'object')`.execute(
    db,
  );
  await sql`alter table victims add column programmes text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table victims drop column if exists programmes`.execute(db);
  await sql`alter table fund_pots drop column if exists beneficiaries`.execute(db);
}
