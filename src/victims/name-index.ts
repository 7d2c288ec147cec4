import { sql } from 'kysely';
import type { FieldCipher } from '../lib/crypto';
import type { Db, Trx } from '../lib/db';
import { nameKeys, normaliseName, segmentedWords, spacedWords } from './name-normalise';

/**
 * Blind indexes of victims' names: keyed HMACs (purpose key derived from BLIND_INDEX_KEY, see
 * FieldCipher.purposeHmac) of the normalised whole name and of each word. Without the key a
 * row says nothing, and a word cannot be tested against it offline; with the key a search is an
 * index look-up. The kind is hashed in, so a word's HMAC never equals a one-word name's.
 */
const PURPOSE = 'victim-name-search';

const hmacOf = (cipher: FieldCipher, kind: 'full' | 'token', value: string) =>
  cipher.purposeHmac(PURPOSE, `${kind}\u0000${value}`);

export function nameIndexRows(cipher: FieldCipher, victimId: string, organizationId: string, name: string) {
  const rows = nameKeys(name).map((k) => ({
    victim_id: victimId,
    organization_id: organizationId,
    kind: k.kind,
    token_hmac: hmacOf(cipher, k.kind, k.value),
  }));
  const seen = new Set<string>();
  return rows.filter(
    (r) => !seen.has(`${r.kind}:${r.token_hmac}`) && !!seen.add(`${r.kind}:${r.token_hmac}`),
  );
}

export async function replaceNameIndex(
  trx: Trx,
  cipher: FieldCipher,
  victim: { id: string; organizationId: string; fullName: string },
): Promise<void> {
  await trx.deleteFrom('victim_name_index').where('victim_id', '=', victim.id).execute();
  await trx
    .insertInto('victim_name_index')
    .values(nameIndexRows(cipher, victim.id, victim.organizationId, victim.fullName))
    .execute();
}

/** What a name search looks for: the whole name, or all the words of one of two splits. */
export interface NameProbe {
  full: string;
  spaced: string[];
  segmented: string[];
}

export function nameProbe(cipher: FieldCipher, query: string): NameProbe {
  const normalised = normaliseName(query);
  return {
    full: hmacOf(cipher, 'full', normalised),
    spaced: spacedWords(normalised).map((w) => hmacOf(cipher, 'token', w)),
    segmented: segmentedWords(normalised).map((w) => hmacOf(cipher, 'token', w)),
  };
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
