import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Money the fund paid on a State-fund claim through a disbursement (the award itself, or an
// interim payment that a later decision counts as an advance) is received on the claim with a
// link to that disbursement, so an advance is never counted twice.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table payments_received add column disbursement_id uuid references disbursements(id)`.execute(
    db,
  );
  await sql`create index payments_received_disbursement on payments_received (disbursement_id)
    where disbursement_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table payments_received drop column if exists disbursement_id`.execute(db);
}
