import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type {
  ClaimDeadlinesTable,
  ClaimHeadsTable,
  ClaimsTable,
  ClaimTransitionsTable,
  PaymentsReceivedTable,
} from './claims.table';

export type ClaimRow = Selectable<ClaimsTable>;
export type HeadRow = Selectable<ClaimHeadsTable>;
export type TransitionRow = Selectable<ClaimTransitionsTable>;
export type DeadlineRow = Selectable<ClaimDeadlinesTable>;
export type PaymentRow = Selectable<PaymentsReceivedTable>;

export async function claimReferenceTaken(db: Db | Trx, reference: string): Promise<boolean> {
  return !!(await db.selectFrom('claims').select('id').where('reference', '=', reference).executeTakeFirst());
}

export async function insertClaim(trx: Trx, row: Insertable<ClaimsTable>): Promise<ClaimRow> {
  return trx.insertInto('claims').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertHeads(trx: Trx, rows: Insertable<ClaimHeadsTable>[]): Promise<void> {
  await trx.insertInto('claim_heads').values(rows).execute();
}

/** Returns the new history entry's id. */
export async function insertTransition(trx: Trx, row: Insertable<ClaimTransitionsTable>): Promise<string> {
  const inserted = await trx
    .insertInto('claim_transitions')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function findClaim(db: Db | Trx, id: string): Promise<ClaimRow | undefined> {
  return db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockClaim(trx: Trx, id: string): Promise<ClaimRow | undefined> {
  return trx.selectFrom('claims').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function headsOf(db: Db | Trx, claimIds: string[]): Promise<HeadRow[]> {
  if (claimIds.length === 0) return [];
  return db.selectFrom('claim_heads').selectAll().where('claim_id', 'in', claimIds).execute();
}

export async function historyOf(db: Db | Trx, claimId: string): Promise<TransitionRow[]> {
  return db
    .selectFrom('claim_transitions')
    .selectAll()
    .where('claim_id', '=', claimId)
    .orderBy('id')
    .execute();
}

export async function setStatus(trx: Trx, id: string, status: string, since: string): Promise<ClaimRow> {
  return trx
    .updateTable('claims')
    .set({ status, status_since: since, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setHeadAward(
  trx: Trx,
  claimId: string,
  head: string,
  award: { decided: bigint | null; offset: bigint; awarded: bigint },
): Promise<void> {
  await trx
    .updateTable('claim_heads')
    .set({
      decided_minor: award.decided === null ? null : award.decided.toString(),
      offset_minor: award.offset.toString(),
      awarded_minor: award.awarded.toString(),
    })
    .where('claim_id', '=', claimId)
    .where('head', '=', head)
    .execute();
}

/** Adds (or, negative, takes back) money received on a head, and the part of it held in trust. */
export async function addReceived(
  trx: Trx,
  claimId: string,
  head: string,
  amount: bigint,
  heldInTrust = 0n,
): Promise<void> {
  await trx
    .updateTable('claim_heads')
    .set({
      received_minor: sql`received_minor + ${amount.toString()}::bigint`,
      held_in_trust_minor: sql`held_in_trust_minor + ${heldInTrust.toString()}::bigint`,
    })
    .where('claim_id', '=', claimId)
    .where('head', '=', head)
    .execute();
  await trx.updateTable('claims').set({ updated_at: new Date() }).where('id', '=', claimId).execute();
}

/**
 * Stores a claim's recomputed deadlines. A deadline whose kind and due date are unchanged keeps
 * the day it was first recorded; a new or moved one is recorded `today`.
 */
export async function replaceDeadlines(
  trx: Trx,
  claimId: string,
  rows: Array<Omit<Insertable<ClaimDeadlinesTable>, 'claim_id' | 'recorded_on'>>,
  today: string,
): Promise<Array<{ kind: string; recordedOn: string | null }>> {
  const before = await trx
    .deleteFrom('claim_deadlines')
    .where('claim_id', '=', claimId)
    .returning(['kind', 'due_on', 'recorded_on'])
    .execute();
  const stored = rows.map((r) => {
    const same = before.find((b) => b.kind === r.kind && b.due_on === r.due_on);
    return { ...r, claim_id: claimId, recorded_on: same ? same.recorded_on : today };
  });
  if (stored.length > 0) await trx.insertInto('claim_deadlines').values(stored).execute();
  return stored.map((r) => ({ kind: r.kind, recordedOn: r.recorded_on }));
}

export async function deadlinesOf(db: Db | Trx, claimIds: string[]): Promise<DeadlineRow[]> {
  if (claimIds.length === 0) return [];
  return db
    .selectFrom('claim_deadlines')
    .selectAll()
    .where('claim_id', 'in', claimIds)
    .orderBy('due_on')
    .execute();
}

export async function claimsOfVictim(db: Db | Trx, victimId: string): Promise<ClaimRow[]> {
  return db.selectFrom('claims').selectAll().where('victim_id', '=', victimId).orderBy('seq').execute();
}

/** Every payment of the victim that stands (voided records drop out of every figure). */
export async function paymentsOfVictim(db: Db | Trx, victimId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments_received')
    .selectAll()
    .where('victim_id', '=', victimId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('payment_voids as v')
            .select('v.payment_id')
            .whereRef('v.payment_id', '=', 'payments_received.id'),
        ),
      ),
    )
    .orderBy('received_on')
    .orderBy('recorded_at')
    .execute();
}

export async function insertPayment(trx: Trx, row: Insertable<PaymentsReceivedTable>): Promise<PaymentRow> {
  return trx.insertInto('payments_received').values(row).returningAll().executeTakeFirstOrThrow();
}

export interface FundFacts {
  id: string;
  organization_id: string;
  currencies: string[];
}

/** The ledger's `funds` row (plain SQL: that table belongs to the ledger module). */
export async function findFund(db: Db | Trx, fundId: string): Promise<FundFacts | undefined> {
  const res = await sql<FundFacts>`
    select id, organization_id, currencies from funds where id = ${fundId}`.execute(db);
  return res.rows[0];
}

export async function subrogationPolicy(
  db: Db | Trx,
  fundId: string,
): Promise<'victim_first' | 'fund_first'> {
  const row = await db
    .selectFrom('fund_subrogation_policies')
    .select('policy')
    .where('fund_id', '=', fundId)
    .executeTakeFirst();
  return row?.policy ?? 'victim_first';
}

export async function setSubrogationPolicy(
  trx: Trx,
  fundId: string,
  policy: 'victim_first' | 'fund_first',
  by: string,
): Promise<void> {
  await trx
    .insertInto('fund_subrogation_policies')
    .values({ fund_id: fundId, policy, updated_by: by })
    .onConflict((oc) => oc.column('fund_id').doUpdateSet({ policy, updated_by: by, updated_at: new Date() }))
    .execute();
}

export async function userInOrganization(
  db: Db | Trx,
  userId: string,
  organizationId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('organization_id', '=', organizationId)
    .where('active', '=', true)
    .executeTakeFirst();
  return !!row;
}

/** One entry of a claim's history, by its id (a decision a document belongs to). */
export async function findTransitionOf(
  db: Db | Trx,
  claimId: string,
  id: string,
): Promise<TransitionRow | undefined> {
  return db
    .selectFrom('claim_transitions')
    .selectAll()
    .where('claim_id', '=', claimId)
    .where('id', '=', id)
    .executeTakeFirst();
}
