import { sql, type Insertable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { NameProbe } from './name-index';
import type { VictimNameIndexTable } from './victims.table';

/** The victims' name index's SQL (see name-index.ts for what its rows are). */

export type NameIndexRow = Insertable<VictimNameIndexTable>;

/** A victim's index rows, all replaced at once: a name change leaves none of the old words. */
export async function replaceNameIndexRows(trx: Trx, victimId: string, rows: NameIndexRow[]): Promise<void> {
  await trx.deleteFrom('victim_name_index').where('victim_id', '=', victimId).execute();
  await trx.insertInto('victim_name_index').values(rows).execute();
}

/** Every victim's index rows: after BLIND_INDEX_KEY changes they are unreadable noise. */
export async function deleteAllNameIndexRows(db: Db): Promise<void> {
  await db.deleteFrom('victim_name_index').execute();
}

/**
 * SQL: ids of victims (of `organizationIds`, or of any organization when null) whose name the
 * probe matches, for use as `v.id in (...)`.
 */
export function victimsNamed(probe: NameProbe, organizationIds: string[] | null) {
  const all = [...new Set([probe.full, ...probe.spaced, ...probe.segmented])];
  const inList = (xs: string[]) => (xs.length ? sql.join(xs.map((x) => sql`${x}`)) : sql`null`);
  const scope = organizationIds
    ? sql`and n.organization_id in (${organizationIds.length ? sql.join(organizationIds) : sql`null`})`
    : sql``;
  return sql<string>`(select n.victim_id from victim_name_index n
     where n.token_hmac in (${inList(all)}) ${scope}
     group by n.victim_id
     having bool_or(n.kind = 'full' and n.token_hmac = ${probe.full})
         or (${probe.spaced.length} > 0 and count(distinct n.token_hmac) filter (where n.kind = 'token' and n.token_hmac in (${inList(probe.spaced)})) = ${probe.spaced.length})
         or (${probe.segmented.length} > 0 and count(distinct n.token_hmac) filter (where n.kind = 'token' and n.token_hmac in (${inList(probe.segmented)})) = ${probe.segmented.length}))`;
}

/** Victims with no name index yet (registered before the index existed, or after a key change). */
export async function victimsWithoutNameIndex(db: Db | Trx, limit: number) {
  return db
    .selectFrom('victims as v')
    .select(['v.id', 'v.organization_id', 'v.full_name_enc'])
    .where(sql<boolean>`not exists (select 1 from victim_name_index n where n.victim_id = v.id)`)
    .orderBy('v.id')
    .limit(limit)
    .execute();
}
