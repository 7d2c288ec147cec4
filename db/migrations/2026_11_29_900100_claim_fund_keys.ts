import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// The claims tables named funds and fund receipts by id without a foreign key (the funds belong
// to the ledger's module). The service checks them, but a key in the database is the guarantee
// that holds whatever writes the row: a claim, a payment or a policy can no longer name a fund
// or receipt that does not exist, and a fund that claims refer to cannot be deleted.

const KEYS = [
  { table: 'claims', name: 'claims_fund_fk', column: 'fund_id', references: 'funds(id)' },
  {
    table: 'payments_received',
    name: 'payments_received_fund_fk',
    column: 'fund_id',
    references: 'funds(id)',
  },
  {
    table: 'payments_received',
    name: 'payments_received_receipt_fk',
    column: 'fund_receipt_id',
    references: 'fund_receipts(id)',
  },
  {
    table: 'fund_subrogation_policies',
    name: 'fund_subrogation_policies_fund_fk',
    column: 'fund_id',
    references: 'funds(id)',
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const k of KEYS) {
    await sql
      .raw(
        `alter table ${k.table} add constraint ${k.name} foreign key (${k.column}) references ${k.references}`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const k of KEYS) {
    await sql.raw(`alter table ${k.table} drop constraint if exists ${k.name}`).execute(db);
  }
}
