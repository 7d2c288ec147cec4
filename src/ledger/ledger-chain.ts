import { chainKeysOf, legacyBoundOf } from '../lib/chain-keys';
import { transact, type Db, type Trx } from '../lib/db';
import { ChainWalker, GENESIS_HASH, keyedChainHash } from '../lib/hash-chain';
import type { Logger } from '../lib/logger';
import { throttledRunner } from '../lib/throttle';
import { checkAccountBalances, type BalanceCheck } from './ledger-balance-check';
import { predatesWriteProofs, writeProofBoundOf, writeProofHolds } from '../lib/write-proof';
import { entriesByIds, type EntryRow } from './ledger-history.repository';
import { entryProofContent } from './ledger-proof';
import {
  countUnsealedEntries,
  lastSealedLink,
  lockLedgerSealer,
  sealedLinksAfter,
  unsealedEntries,
  writeSeals,
} from './ledger-chain.repository';

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

async function sealBatch(
  trx: Trx,
  batchSize: number,
  key: { id: string; key: Buffer },
  warnUnproven: (entryId: string) => void,
): Promise<number> {
  await lockLedgerSealer(trx);
  const last = await lastSealedLink(trx);
  const ids = await unsealedEntries(trx, batchSize);
  if (ids.length === 0) return 0;
  // Sealed anyway, so that one forged entry cannot stop the ledger; verification names it.
  for (const r of ids) if (r.write_mac === null) warnUnproven(r.id);
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
  await writeSeals(trx, key.id, seals);
  return seals.length;
}

/** Seals every committed, unsealed entry; safe to call from any number of processes at once. */
export async function sealLedger(db: Db, batchSize = 500, logger?: Pick<Logger, 'warn'>): Promise<number> {
  const ring = chainKeysOf(db);
  const key = { id: ring.activeKeyId, key: ring.keys.get(ring.activeKeyId)! };
  const bound = await writeProofBoundOf(db, 'ledger');
  const warnUnproven = (entryId: string) => {
    if (!bound.unsealedUnprovenIds.has(entryId))
      logger?.warn({ ledgerEntryId: entryId }, 'ledger entry without a write proof: not written by the app');
  };
  let total = 0;
  for (;;) {
    const n = await transact(db, (trx) => sealBatch(trx, batchSize, key, warnUnproven));
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
export async function verifyLedger(
  db: Db,
  batchSize = 500,
  logger?: Pick<Logger, 'warn'>,
): Promise<LedgerVerification> {
  await sealLedger(db, batchSize, logger);
  const balances = await checkAccountBalances(db);
  const ring = chainKeysOf(db);
  const walker = new ChainWalker(ring.keys, await legacyBoundOf(db, 'ledger'));
  const proofBound = await writeProofBoundOf(db, 'ledger');
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
    const rows = await sealedLinksAfter(db, after, batchSize);
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
      const entry = entries.get(r.id)!;
      if (!walker.accept(link, entryContent(entry))) return verdict(checked, r.id, 0);
      // A valid link proves only that the sealer saw the row; the write proof, that the app wrote it.
      const written =
        predatesWriteProofs(proofBound, { id: r.id, chainSeq: r.chain_seq! }) ||
        writeProofHolds(ring, 'ledger_entries', r, entryProofContent(entry));
      if (!written) return verdict(checked, r.id, 0);
      after = r.chain_seq!;
    }
    if (rows.length < batchSize) break;
  }
  return verdict(checked, null, await countUnsealedEntries(db));
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
        await sealLedger(db, undefined, logger);
      } catch (err) {
        logger.warn({ err }, 'ledger sealing failed; it will be retried');
      }
    }, LEDGER_SEAL_INTERVAL_MS);
    sealers.set(db, kick);
  }
  kick();
}
