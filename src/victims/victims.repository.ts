import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { VictimsTable } from './victims.table';

export type VictimRow = Selectable<VictimsTable>;

export async function insertVictim(trx: Trx, row: Insertable<VictimsTable>): Promise<VictimRow> {
  return trx.insertInto('victims').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function referenceTaken(db: Db | Trx, reference: string): Promise<boolean> {
  const row = await db
    .selectFrom('victims')
    .select('id')
    .where('reference', '=', reference)
    .executeTakeFirst();
  return !!row;
}

export async function findVictim(db: Db | Trx, id: string): Promise<VictimRow | undefined> {
  return db.selectFrom('victims').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockVictim(trx: Trx, id: string): Promise<VictimRow | undefined> {
  return trx.selectFrom('victims').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateVictimRow(
  trx: Trx,
  id: string,
  patch: Updateable<VictimsTable>,
): Promise<VictimRow> {
  return trx
    .updateTable('victims')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Other victims of the organization holding one of these document hashes. */
export async function findDocumentMatches(
  db: Db | Trx,
  organizationId: string,
  hashes: string[],
  exceptVictimId: string | null,
): Promise<string[]> {
  if (hashes.length === 0) return [];
  let q = db
    .selectFrom('victim_document_index as d')
    .innerJoin('victims as v', 'v.id', 'd.victim_id')
    .select('v.reference')
    .distinct()
    .where('d.organization_id', '=', organizationId)
    .where('d.number_hash', 'in', hashes);
  if (exceptVictimId) q = q.where('d.victim_id', '<>', exceptVictimId);
  const rows = await q.orderBy('v.reference').execute();
  return rows.map((r) => r.reference);
}

export async function replaceDocumentIndex(
  trx: Trx,
  victimId: string,
  organizationId: string,
  hashes: string[],
): Promise<void> {
  await trx.deleteFrom('victim_document_index').where('victim_id', '=', victimId).execute();
  const unique = [...new Set(hashes)];
  if (unique.length > 0) {
    await trx
      .insertInto('victim_document_index')
      .values(
        unique.map((number_hash) => ({ victim_id: victimId, organization_id: organizationId, number_hash })),
      )
      .execute();
  }
}

/** Whether any of the victim's claims on `route` sits in one of `states`. */
export async function hasClaimIn(
  trx: Trx,
  victimId: string,
  route: string,
  states: string[],
): Promise<boolean> {
  const row = await trx
    .selectFrom('claims')
    .select('id')
    .where('victim_id', '=', victimId)
    .where('route', '=', route)
    .where('status', 'in', states)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

export async function recordWitnessChange(
  trx: Trx,
  victimId: string,
  isWitness: boolean,
  source: 'automatic' | 'manual',
  by: string | null,
): Promise<void> {
  await trx
    .insertInto('victim_witness_history')
    .values({ victim_id: victimId, is_witness: isWitness, source, changed_by: by })
    .execute();
}

/**
 * Need-to-know for fund administrators: the victim has a State-fund claim with a fund of the
 * administrator's organization. (`funds` belongs to the ledger module; plain SQL on purpose.)
 */
export async function victimHasClaimWithFundsOf(
  db: Db | Trx,
  victimId: string,
  organizationId: string,
): Promise<boolean> {
  const row = await sql<{ ok: number }>`
    select 1 as ok from claims c join funds f on f.id = c.fund_id
    where c.victim_id = ${victimId} and c.route = 'state_fund' and f.organization_id = ${organizationId}
    limit 1`.execute(db);
  return row.rows.length > 0;
}

/** The earliest filing and cause of action among the victim's claims (a birth date must precede both). */
export async function earliestClaimDates(
  trx: Trx,
  victimId: string,
): Promise<{ filedOn: string | null; causeOfActionOn: string | null }> {
  const row = await trx
    .selectFrom('claims')
    .select(({ fn }) => [
      fn.min<string | null>('filed_on').as('filedOn'),
      fn.min<string | null>('cause_of_action_on').as('causeOfActionOn'),
    ])
    .where('victim_id', '=', victimId)
    .executeTakeFirst();
  return { filedOn: row?.filedOn ?? null, causeOfActionOn: row?.causeOfActionOn ?? null };
}
