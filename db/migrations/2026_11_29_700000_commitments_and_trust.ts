import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// - `committed` pots: when a State fund decides an award, the awarded money moves out of the pots
//   that may pay awards into one pot per claim, so it no longer counts as available anywhere
//   else, and the award is paid from there. A pot like any other, so pots = bank/cash still holds.
// - A payment into the fund can be split into the fund's recovery and money held in trust for
//   the victim; each part is its own receipt, so the payment keeps a link to both.
// - A disbursement may hold an award in trust (a child's award) instead of paying it out.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table fund_pots drop constraint fund_pots_kind_check`.execute(db);
  await sql`alter table fund_pots add constraint fund_pots_kind_check
    check (kind in ('unrestricted', 'reserved', 'restricted', 'trust', 'committed'))`.execute(db);
  await sql`alter table payments_received add column trust_receipt_id uuid references fund_receipts(id)`.execute(
    db,
  );
  await sql`alter table disbursements add column hold_in_trust boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table disbursements drop column if exists hold_in_trust`.execute(db);
  await sql`alter table payments_received drop column if exists trust_receipt_id`.execute(db);
  await sql`alter table fund_pots drop constraint fund_pots_kind_check`.execute(db);
  await sql`alter table fund_pots add constraint fund_pots_kind_check
    check (kind in ('unrestricted', 'reserved', 'restricted', 'trust'))`.execute(db);
}
