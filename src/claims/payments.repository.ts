import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { PaymentsReceivedTable, PaymentVoidsTable } from './claims.table';

/** A payment record with its void, when it was voided. */
export type PaymentRecordRow = Selectable<PaymentsReceivedTable> & {
  void: Selectable<PaymentVoidsTable> | null;
};

function withVoids(db: Db | Trx) {
  return db
    .selectFrom('payments_received as p')
    .leftJoin('payment_voids as v', 'v.payment_id', 'p.id')
    .selectAll('p')
    .select([
      'v.payment_id as v_payment_id',
      'v.reason as v_reason',
      'v.voided_by as v_voided_by',
      'v.voided_at as v_voided_at',
      'v.recovery_reversal_entry_id as v_recovery_entry',
      'v.trust_reversal_entry_id as v_trust_entry',
    ]);
}

type Joined = Awaited<ReturnType<ReturnType<typeof withVoids>['execute']>>[number];

function toRecord(r: Joined): PaymentRecordRow {
  const { v_payment_id, v_reason, v_voided_by, v_voided_at, v_recovery_entry, v_trust_entry, ...p } = r;
  return {
    ...p,
    void:
      v_payment_id === null
        ? null
        : {
            payment_id: v_payment_id,
            claim_id: p.claim_id,
            reason: v_reason!,
            voided_by: v_voided_by!,
            voided_at: v_voided_at!,
            recovery_reversal_entry_id: v_recovery_entry,
            trust_reversal_entry_id: v_trust_entry,
          },
  };
}

export async function findPaymentRecord(
  db: Db | Trx,
  claimId: string,
  paymentId: string,
): Promise<PaymentRecordRow | undefined> {
  const row = await withVoids(db)
    .where('p.id', '=', paymentId)
    .where('p.claim_id', '=', claimId)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** A claim's payment records in the order they were recorded, voided ones included; after `afterId`. */
export async function paymentRecordsOfClaim(
  db: Db | Trx,
  claimId: string,
  page: { limit: number; afterId?: string },
): Promise<PaymentRecordRow[]> {
  let q = withVoids(db).where('p.claim_id', '=', claimId);
  // Compared in PostgreSQL, at the column's full (microsecond) precision.
  if (page.afterId)
    q = q.where(
      sql<boolean>`(p.recorded_at, p.id) > (select a.recorded_at, a.id from payments_received a where a.id = ${page.afterId} and a.claim_id = ${claimId})`,
    );
  const rows = await q.orderBy('p.recorded_at').orderBy('p.id').limit(page.limit).execute();
  return rows.map(toRecord);
}

export async function insertPaymentVoid(
  trx: Trx,
  row: Insertable<PaymentVoidsTable>,
): Promise<Selectable<PaymentVoidsTable>> {
  return trx.insertInto('payment_voids').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The ledger entry of a fund receipt (plain SQL: that table belongs to the funds module). */
export async function receiptEntryId(trx: Trx, receiptId: string): Promise<string | undefined> {
  const res = await sql<{
    entry_id: string;
  }>`select entry_id from fund_receipts where id = ${receiptId}`.execute(trx);
  return res.rows[0]?.entry_id;
}
