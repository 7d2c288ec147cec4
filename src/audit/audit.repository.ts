import { sql, type RawBuilder } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { StoredWriteProof, WriteProof } from '../lib/write-proof';
import type { AuditContent, ChainLink } from './audit';

// Text made by PostgreSQL, with every microsecond, so the sealer and the verifier hash the same string.
const OCCURRED_AT: RawBuilder<string> = sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function contentColumns() {
  return [
    'id',
    OCCURRED_AT.as('occurredAt'),
    sql<string | null>`actor_id::text`.as('actorId'),
    'actor_role as actorRole',
    'action',
    'resource_type as resourceType',
    'resource_id as resourceId',
    'request_id as requestId',
    'outcome',
  ] as const;
}

const PROOF_COLUMNS = [
  sql<string | null>`write_nonce::text`.as('writeNonce'),
  'write_key_id as writeKeyId',
  'write_mac as writeMac',
] as const;

/** Serializes sealers across every process sharing the database (distinct from other chains' locks). */
const AUDIT_SEAL_LOCK = '7260011001';

export async function lockAuditSealer(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_SEAL_LOCK}::bigint)`.execute(trx);
}

export async function lastSealed(trx: Trx): Promise<{ chainSeq: string; hash: string } | undefined> {
  const row = await trx
    .selectFrom('audit_events')
    .select(['chain_seq', 'hash'])
    .where('chain_seq', 'is not', null)
    .orderBy('chain_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { chainSeq: row.chain_seq!, hash: row.hash ?? '' } : undefined;
}

/** Committed rows not yet chained; rows of open transactions are invisible here, as intended. */
export async function unsealedBatch(trx: Trx, limit: number): Promise<AuditContent[]> {
  return unsealedQuery(trx, limit).execute();
}

/** The same, with each row's write proof, which the sealer checks is there. */
export async function unsealedBatchWithProofs(
  trx: Trx,
  limit: number,
): Promise<Array<AuditContent & StoredWriteProof>> {
  return unsealedQuery(trx, limit)
    .select([...PROOF_COLUMNS])
    .execute();
}

function unsealedQuery(trx: Trx, limit: number) {
  return trx
    .selectFrom('audit_events')
    .select([...contentColumns(), sql<string>`details::text`.as('details')])
    .where('chain_seq', 'is', null)
    .orderBy('id')
    .limit(limit);
}

export async function hasUnsealed(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('audit_events')
    .select('id')
    .where('chain_seq', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Writes a batch of seals in one statement; returns how many rows took their seal. */
export async function writeSeals(
  trx: Trx,
  seals: Array<{ id: string; chainSeq: string; prevHash: string; hash: string; keyId: string }>,
): Promise<number> {
  if (seals.length === 0) return 0;
  const values = sql.join(
    seals.map(
      (s) =>
        sql`(${s.id}::bigint, ${s.chainSeq}::bigint, ${s.prevHash}::text, ${s.hash}::text, ${s.keyId}::text)`,
    ),
  );
  const result = await sql`update audit_events a
    set chain_seq = v.seq, prev_hash = v.prev, hash = v.hash, chain_key_id = v.key_id
    from (values ${values}) as v (id, seq, prev, hash, key_id)
    where a.id = v.id and a.chain_seq is null`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

export async function maxChainSeq(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('chain_seq').as('max'))
    .executeTakeFirst();
  return row?.max ?? null;
}

/** Sealed rows after `afterSeq`, in chain order, up to `upToSeq`. */
export async function chainBatch(
  db: Db,
  afterSeq: string,
  upToSeq: string,
  limit: number,
): Promise<Array<AuditContent & ChainLink & StoredWriteProof>> {
  const rows = await db
    .selectFrom('audit_events')
    .select([
      ...contentColumns(),
      sql<string>`details::text`.as('details'),
      'chain_seq as chainSeq',
      'prev_hash as prevHash',
      'hash',
      'chain_key_id as chainKeyId',
      ...PROOF_COLUMNS,
    ])
    .where('chain_seq', '>', afterSeq)
    .where('chain_seq', '<=', upToSeq)
    .orderBy('chain_seq')
    .limit(limit)
    .execute();
  return rows as Array<AuditContent & ChainLink & StoredWriteProof>;
}

export interface AuditListFilter {
  limit: number;
  beforeId: string | null;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  /** occurred at or after */
  from?: Date;
  /** occurred before */
  before?: Date;
}

/** Newest first; one row more than asked, so the caller knows whether a next page exists. */
export async function listEvents(trx: Trx, f: AuditListFilter) {
  let q = trx
    .selectFrom('audit_events')
    .select([...contentColumns(), 'details'])
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.beforeId !== null) q = q.where('id', '<', f.beforeId);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.resourceType !== undefined) q = q.where('resource_type', '=', f.resourceType);
  if (f.resourceId !== undefined) q = q.where('resource_id', '=', f.resourceId);
  if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
  if (f.from !== undefined) q = q.where('occurred_at', '>=', f.from);
  if (f.before !== undefined) q = q.where('occurred_at', '<', f.before);
  return q.execute();
}

/** One new event, unsealed: the sealer chains it after commit. Its write proof is made by the caller. */
export async function insertAuditEvent(
  trx: Trx,
  row: Omit<AuditContent, 'id' | 'occurredAt' | 'details' | 'outcome'> & {
    outcome: 'success' | 'failure' | 'denied';
    details: unknown;
  },
  proof: WriteProof,
): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      actor_id: row.actorId,
      actor_role: row.actorRole,
      action: row.action,
      resource_type: row.resourceType,
      resource_id: row.resourceId,
      request_id: row.requestId,
      outcome: row.outcome,
      details: JSON.stringify(row.details),
      chain_seq: null,
      prev_hash: null,
      hash: null,
      write_nonce: proof.nonce,
      write_key_id: proof.keyId,
      write_mac: proof.mac,
    })
    .execute();
}

/** The tables whose rows a route names by `:id` (see out-of-reach.ts). */
export type IdentityTable = 'victims' | 'claims' | 'hearings' | 'documents';

export async function identityRecordExists(db: Db, table: IdentityTable, id: string): Promise<boolean> {
  const row = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
