import { sql, type Selectable, type Updateable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { Payout, Policy } from './disbursements';
import type { DisbursementsTable } from './disbursements.table';

type Q = Db | Trx;
export type DisbursementRow = Selectable<DisbursementsTable>;
export interface ApprovalRow {
  disbursement_id: string;
  approver_id: string;
  approved_at: Date;
}

export async function insertDisbursement(
  trx: Trx,
  d: {
    fundId: string;
    victimId: string;
    claimId: string | null;
    purpose: string;
    amount: bigint;
    currency: string;
    requestedPot: string | null;
    rationale: string;
    channel: string;
    payeeEnc: string | null;
    paymentReference: string;
    approvalsRequired: number;
    requestedBy: string;
    holdInTrust: boolean;
    payout: Payout | null;
  },
): Promise<DisbursementRow> {
  return trx
    .insertInto('disbursements')
    .values({
      fund_id: d.fundId,
      victim_id: d.victimId,
      claim_id: d.claimId,
      purpose: d.purpose,
      amount: d.amount.toString(),
      currency: d.currency,
      requested_pot: d.requestedPot,
      rationale: d.rationale,
      channel: d.channel,
      payee_enc: d.payeeEnc,
      payment_reference: d.paymentReference,
      approvals_required: d.approvalsRequired,
      requested_by: d.requestedBy,
      hold_in_trust: d.holdInTrust,
      payout_currency: d.payout?.currency ?? null,
      payout_amount: d.payout?.amount.toString() ?? null,
      payout_fees: d.payout?.fees.toString() ?? null,
      fx_rate: d.payout?.rate ?? null,
      fx_rate_source: d.payout?.rateSource ?? null,
      fx_rate_date: d.payout?.rateDate ?? null,
      fx_converted_by: d.payout?.convertedBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDisbursement(db: Q, id: string): Promise<DisbursementRow | undefined> {
  return db.selectFrom('disbursements').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Serializes every decision on one disbursement (two approvers at once, approve vs reject). */
export async function lockDisbursement(trx: Trx, id: string): Promise<DisbursementRow | undefined> {
  return trx.selectFrom('disbursements').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateDisbursement(
  trx: Trx,
  id: string,
  patch: Omit<Updateable<DisbursementsTable>, 'id' | 'approved_at' | 'resolved_at'>,
  /** Stamped with the database clock, the same clock the witness history uses. */
  stamp?: 'approved_at' | 'resolved_at',
): Promise<DisbursementRow> {
  return trx
    .updateTable('disbursements')
    .set(stamp ? { ...patch, [stamp]: sql<Date>`now()` } : patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function approvalsOf(db: Q, ids: string[]): Promise<ApprovalRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('disbursement_approvals')
    .selectAll()
    .where('disbursement_id', 'in', ids)
    .orderBy('approved_at')
    .execute();
}

export async function insertApproval(trx: Trx, disbursementId: string, approverId: string): Promise<void> {
  await trx
    .insertInto('disbursement_approvals')
    .values({ disbursement_id: disbursementId, approver_id: approverId })
    .execute();
}

export async function loadPolicy(db: Q, fundId: string): Promise<Policy> {
  const [row, thresholds] = await Promise.all([
    db
      .selectFrom('disbursement_policies')
      .select('pot_order')
      .where('fund_id', '=', fundId)
      .executeTakeFirst(),
    db
      .selectFrom('disbursement_thresholds')
      .select(['currency', 'above'])
      .where('fund_id', '=', fundId)
      .execute(),
  ]);
  return {
    potOrder: row?.pot_order ?? [],
    thresholds: new Map(thresholds.map((t) => [t.currency, BigInt(t.above)])),
  };
}

export async function savePolicy(trx: Trx, fundId: string, policy: Policy, by: string): Promise<void> {
  await trx
    .insertInto('disbursement_policies')
    .values({ fund_id: fundId, pot_order: policy.potOrder, updated_by: by })
    .onConflict((oc) =>
      oc
        .column('fund_id')
        .doUpdateSet({ pot_order: policy.potOrder, updated_by: by, updated_at: sql`now()` }),
    )
    .execute();
  await trx.deleteFrom('disbursement_thresholds').where('fund_id', '=', fundId).execute();
  if (policy.thresholds.size > 0)
    await trx
      .insertInto('disbursement_thresholds')
      .values(
        [...policy.thresholds].map(([currency, above]) => ({
          fund_id: fundId,
          currency,
          above: above.toString(),
        })),
      )
      .execute();
}

/**
 * Locks the fund's bank account and the given pot accounts in id order — the order the ledger
 * locks in, so this never deadlocks with a posting — and returns what each pot has available.
 * Held until commit, so the choice of pot cannot be overtaken by a concurrent approval.
 */
export async function lockPotBalances(
  trx: Trx,
  bankAccountId: string,
  potAccountIds: string[],
): Promise<Map<string, bigint>> {
  const { rows } = await sql<{ id: string; available: string }>`
    select id, (posted - pending)::text as available from ledger_accounts
     where id = any(${[bankAccountId, ...potAccountIds]}::bigint[]) order by id for update`.execute(trx);
  return new Map(rows.map((r) => [r.id, BigInt(r.available)]));
}

/** What each pot has available, without locking: a forecast, which the approval re-checks locked. */
export async function readPotBalances(db: Q, potAccountIds: string[]): Promise<Map<string, bigint>> {
  const { rows } = await sql<{ id: string; available: string }>`
    select id, (posted - pending)::text as available from ledger_accounts
     where id = any(${potAccountIds}::bigint[])`.execute(db);
  return new Map(rows.map((r) => [r.id, BigInt(r.available)]));
}

export interface RegisterRow {
  id: string;
  fund_id: string;
  claim_id: string | null;
  purpose: string;
  amount: string;
  currency: string;
  rationale: string;
  channel: string;
  payment_reference: string;
  status: string;
  requested_at: Date;
  approved_at: Date | null;
  paid_on: string | null;
  witness_when_requested: boolean;
  witness_when_given: boolean;
  witness_when_paid: boolean;
}

/**
 * The victim's approved and paid disbursements with the witness status when each was requested,
 * approved (the money promised) and paid, from the witness history: the last change at or before
 * that moment; none yet means not a witness.
 */
export async function disbursementsWithWitnessStatus(
  db: Q,
  victimId: string,
  organizationId: string | null,
): Promise<RegisterRow[]> {
  const witnessAt = (col: string) => sql<boolean>`coalesce((select h.is_witness from victim_witness_history h
      where h.victim_id = d.victim_id and h.changed_at <= ${sql.ref(col)}
      order by h.changed_at desc, h.id desc limit 1), false)`;
  const { rows } = await sql<RegisterRow>`
    select d.id, d.fund_id, d.claim_id, d.purpose, d.amount, d.currency, d.rationale, d.channel,
           d.payment_reference, d.status, d.requested_at, d.approved_at, d.paid_on,
           ${witnessAt('d.requested_at')} as witness_when_requested,
           ${witnessAt('d.approved_at')} as witness_when_given,
           ${witnessAt('d.resolved_at')} as witness_when_paid
      from disbursements d join funds f on f.id = d.fund_id
     where d.victim_id = ${victimId} and d.status in ('approved', 'paid')
       and (${organizationId}::uuid is null or f.organization_id = ${organizationId}::uuid)
     order by d.approved_at, d.id`.execute(db);
  return rows;
}

/** Newest first; keyset on (requested_at, id). `organizationId` null: every fund (auditors). */
export async function listDisbursementRows(
  db: Q,
  f: {
    organizationId: string | null;
    fundId?: string;
    victimId?: string;
    status?: string;
    /** the id of the last row of the previous page */
    after?: string;
    limit: number;
  },
): Promise<DisbursementRow[]> {
  let q = db.selectFrom('disbursements as d').innerJoin('funds as f', 'f.id', 'd.fund_id').selectAll('d');
  if (f.organizationId !== null) q = q.where('f.organization_id', '=', f.organizationId);
  if (f.fundId) q = q.where('d.fund_id', '=', f.fundId);
  if (f.victimId) q = q.where('d.victim_id', '=', f.victimId);
  if (f.status) q = q.where('d.status', '=', f.status as DisbursementRow['status']);
  // Compared in PostgreSQL, at the column's full (microsecond) precision.
  if (f.after)
    q = q.where(
      sql<boolean>`(d.requested_at, d.id) < (select p.requested_at, p.id from disbursements p where p.id = ${f.after})`,
    );
  return q.orderBy('d.requested_at', 'desc').orderBy('d.id', 'desc').limit(f.limit).execute();
}
