import type { Insertable, Updateable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { ClaimRow } from './claims.repository';
import type { ClaimChangesTable, ClaimsTable } from './claims.table';

/** The claim corrections' SQL: the particulars themselves and their history (claim_changes). */

export async function insertClaimChanges(trx: Trx, rows: Insertable<ClaimChangesTable>[]): Promise<void> {
  await trx.insertInto('claim_changes').values(rows).execute();
}

export async function updateClaimParticulars(
  trx: Trx,
  id: string,
  set: Updateable<ClaimsTable>,
): Promise<ClaimRow> {
  return trx
    .updateTable('claims')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A claim's corrections, oldest first. */
export async function claimChangesOf(db: Db | Trx, claimId: string) {
  return db.selectFrom('claim_changes').selectAll().where('claim_id', '=', claimId).orderBy('id').execute();
}
