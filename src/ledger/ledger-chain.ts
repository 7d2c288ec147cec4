import { sql } from 'kysely';
import { chainKeysOf, legacyBoundOf } from '../lib/chain-keys';
import { transact, type Db, type Trx } from '../lib/db';
import { ChainWalker, GENESIS_HASH, keyedChainHash } from '../lib/hash-chain';
import type { Logger } from '../lib/logger';
import { throttledRunner } from '../lib/throttle';
import { checkAccountBalances, type BalanceCheck } from './ledger-balance-check';
import { entriesByIds, type EntryRow } from './ledger-history.repository';

/*
 * Tamper evidence for the ledger. Each sealed entry stores
 *   hash = HMAC(chain key, key id ‖ chain_seq ‖ prev_hash ‖ canonical(entry with all its postings))
 * and the id of the key (CHAIN_KEYS, never in the database); entries sealed before keys existed
 * keep their unkeyed sha256 links (see lib/hash-chain.ts, ChainWalker).
 *
 * Why seal after commit: entry ids come from a sequence at insert time, but transactions commit
 * in any order, so chaining in the posting transaction (or by id) would either serialize every
 * write behind one lock held until commit, or chain an id before an earlier id has committed.
 * Instead a sealer, holding one advisory lock, takes committed entries that have no chain_seq
 * yet (they are only visible once committed), in id order, and appends them to the chain with
 * chain_seq = last + 1. The chain order is therefore seal order: well-defined, gap-free, and
 * writers never wait for it. The trigger on ledger_entries lets the chain columns be set once
 * and never changed; /v1/ledger/verify seals what is left and recomputes every hash.
 */

const LEDGER_SEAL_LOCK = sql`hashtextextended('redress:ledger-sealer', 0)`;

export function entryContent(e: EntryRow): unknown {
  return {
    id: e.id,
    kind: e.kind,
    description: e.description,
    effectiveOn: e.effectiveOn,
    reversesEntryId: e.reversesEntryId,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    metadata: e.metadata,
    postings: e.postings.map((p) => ({
      id: p.id,
      accountId: p.accountId,
      side: p.side,
      amount: p.amount.toString(),
      currency: p.currency,
      balanceAfter: p.balanceAfter.toString(),
      postedAt: p.postedAt.toISOString(),
    })),
  };
}

async function sealBatch(trx: Trx, batchSize: number, key: { id: string; key: Buffer }): Promise<number> {
  await sql`select pg_advisory_xact_lock(${LEDGER_SEAL_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom('ledger_entries')
    .select(['chain_seq', 'hash'])
    .where('chain_seq', 'is not', null)
    .orderBy('chain_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const ids = await trx
    .selectFrom('ledger_entries')
    .select('id')
    .where('chain_seq', 'is', null)
    .orderBy('id')
    .limit(batchSize)
    .execute();
  if (ids.length === 0) return 0;
  const entries = (
    await entriesByIds(
      trx,
      ids.map((r) => r.id),
    )
  ).reverse(); // ascending id
  let seq = BigInt(last?.chain_seq ?? '0');
  let prev = last?.hash ?? GENESIS_HASH;
  const seals = entries.map((e) => {
    seq += 1n;
    const hash = keyedChainHash(key.key, key.id, seq.toString(), prev, entryContent(e));
    const seal = { id: e.id, seq: seq.toString(), prev, hash };
    prev = hash;
    return seal;
  });
  await sql`update ledger_entries e set chain_seq = s.seq::bigint, prev_hash = s.prev, hash = s.hash,
      chain_key_id = ${key.id}::text
    from jsonb_to_recordset(${JSON.stringify(seals)}::jsonb) as s(id text, seq text, prev text, hash text)
    where e.id = s.id::bigint`.execute(trx);
  return seals.length;
}

/** Seals every committed, unsealed entry; safe to call from any number of processes at once. */
export async function sealLedger(db: Db, batchSize = 500): Promise<number> {
  const ring = chainKeysOf(db);
  const key = { id: ring.activeKeyId, key: ring.keys.get(ring.activeKeyId)! };
  let total = 0;
  for (;;) {
    const n = await transact(db, (trx) => sealBatch(trx, batchSize, key));
    total += n;
    if (n < batchSize) return total;
  }
}

export interface LedgerVerification extends BalanceCheck {
  ok: boolean;
  entriesChecked: number;
  firstBrokenEntry: string | null;
  unsealedEntries: number;
  /** Seq of the last entry sealed with an unkeyed link, before chain keys existed; null: none. */
  chainLegacyEnds: string | null;
}

/**
 * Recomputes the chain batch by batch: every link under the key that signed it, every prev
 * link, no gap in chain_seq; then every account's balances from its postings and reservations.
 */
export async function verifyLedger(db: Db, batchSize = 500): Promise<LedgerVerification> {
  await sealLedger(db);
  const balances = await checkAccountBalances(db);
  const walker = new ChainWalker(chainKeysOf(db).keys, await legacyBoundOf(db, 'ledger'));
  const verdict = (entriesChecked: number, firstBrokenEntry: string | null, unsealedEntries: number) => ({
    ok: firstBrokenEntry === null && balances.firstWrongBalance === null,
    entriesChecked,
    firstBrokenEntry,
    unsealedEntries,
    chainLegacyEnds: walker.legacyEnds,
    ...balances,
  });
  let checked = 0;
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('ledger_entries')
      .select(['id', 'chain_seq', 'prev_hash', 'hash', 'chain_key_id'])
      .where('chain_seq', '>', after)
      .orderBy('chain_seq')
      .limit(batchSize)
      .execute();
    const entries = new Map(
      (
        await entriesByIds(
          db,
          rows.map((r) => r.id),
        )
      ).map((e) => [e.id, e]),
    );
    for (const r of rows) {
      checked += 1;
      const link = {
        chainSeq: r.chain_seq!,
        prevHash: r.prev_hash,
        hash: r.hash,
        chainKeyId: r.chain_key_id,
      };
      if (!walker.accept(link, entryContent(entries.get(r.id)!))) return verdict(checked, r.id, 0);
      after = r.chain_seq!;
    }
    if (rows.length < batchSize) break;
  }
  const { rows } = await sql<{
    n: string;
  }>`select count(*) as n from ledger_entries where chain_seq is null`.execute(db);
  return verdict(checked, null, Number(rows[0]!.n));
}

/** At most one seal per this interval per process while busy; an idle kick seals at once. */
export const LEDGER_SEAL_INTERVAL_MS = 200;

const sealers = new WeakMap<Db, () => void>();

/**
 * After a commit: seal soon, off the request path. One sealing loop per process and database,
 * throttled: under load the kicks of many requests share one seal per interval instead of one
 * seal transaction (advisory lock and several statements) per request. Every kick is followed
 * by a seal that starts after it. Never rejects; anything left is sealed by the next kick or by
 * verify, which seals first.
 */
export function kickLedgerSealer(db: Db, logger: Logger): void {
  let kick = sealers.get(db);
  if (!kick) {
    kick = throttledRunner(async () => {
      try {
        await sealLedger(db);
      } catch (err) {
        logger.warn({ err }, 'ledger sealing failed; it will be retried');
      }
    }, LEDGER_SEAL_INTERVAL_MS);
    sealers.set(db, kick);
  }
  kick();
}
