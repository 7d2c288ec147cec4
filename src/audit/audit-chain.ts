import { chainKeysOf, legacyBoundOf } from '../lib/chain-keys';
import type { Db } from '../lib/db';
import { transact } from '../lib/db';
import { ChainWalker, GENESIS_HASH } from '../lib/hash-chain';
import type { Logger } from '../lib/logger';
import { sealContent, sealHash, type AuditVerification } from './audit';
import {
  chainBatch,
  hasUnsealed,
  lastSealed,
  lockAuditSealer,
  maxChainSeq,
  unsealedBatch,
  writeSeals,
} from './audit.repository';

/**
 * Seals committed, unsealed audit events onto the end of the chain (see lib/hash-chain.ts for
 * why sealing happens after commit, in seal order rather than id order). Each batch is its own
 * short transaction under one advisory lock, so any number of API and worker processes may call
 * this at once: they take turns, and every committed event is sealed exactly once.
 * Returns how many events this call sealed.
 */
export async function sealAuditEvents(db: Db, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const ring = chainKeysOf(db);
  const key = { id: ring.activeKeyId, key: ring.keys.get(ring.activeKeyId)! };
  let sealed = 0;
  for (;;) {
    const n = await transact(db, async (trx) => {
      await lockAuditSealer(trx);
      // Read under the lock: the previous holder's seals are committed and visible by now.
      const last = await lastSealed(trx);
      const rows = await unsealedBatch(trx, batchSize);
      let seq = BigInt(last?.chainSeq ?? '0');
      let prev = last?.hash ?? GENESIS_HASH;
      const seals = rows.map((row) => {
        seq += 1n;
        const hash = sealHash(key, seq.toString(), prev, row);
        const seal = { id: row.id, chainSeq: seq.toString(), prevHash: prev, hash, keyId: key.id };
        prev = hash;
        return seal;
      });
      const written = await writeSeals(trx, seals);
      if (written !== seals.length) {
        // Cannot happen under the lock; if it does, roll back rather than leave a gap.
        throw new Error(`audit sealer wrote ${written} of ${seals.length} seals`);
      }
      return written;
    });
    sealed += n;
    if (n < batchSize) return sealed;
  }
}

/**
 * Recomputes the whole chain, batch by batch in chain order (never the whole table in memory):
 * every link from the row's content and its predecessor's hash under the chain key that signed
 * it, every prev link, and that sequence numbers run 1, 2, 3... without a gap (a deleted row
 * shows as a gap). Unkeyed links pass only where the chain had them before keys existed.
 */
export async function verifyAuditChain(
  db: Db,
  options: { batchSize?: number } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 1000;
  // Rows sealed while we walk are checked next time; the walk ends where the chain ended at start.
  const upTo = await maxChainSeq(db);
  const walker = new ChainWalker(chainKeysOf(db).keys, await legacyBoundOf(db, 'audit'));
  const verdict = (ok: boolean, eventsChecked: number, firstBrokenEvent: string | null) => ({
    ok,
    eventsChecked,
    firstBrokenEvent,
    chainLegacyEnds: walker.legacyEnds,
  });
  let checked = 0;
  if (upTo === null) return verdict(true, 0, null);
  let after = '0';
  for (;;) {
    const rows = await chainBatch(db, after, upTo, batchSize);
    for (const row of rows) {
      checked += 1;
      if (!walker.accept(row, sealContent(row))) return verdict(false, checked, row.id);
      after = row.chainSeq;
    }
    if (rows.length < batchSize) return verdict(true, checked, null);
  }
}

/** Seals every committed event, then verifies: what the verify endpoint and the nightly check run. */
export async function sealAndVerifyAuditChain(db: Db): Promise<AuditVerification> {
  await sealAuditEvents(db);
  return verifyAuditChain(db);
}

interface SealerState {
  running: Promise<void> | null;
  followUp: Promise<void> | null;
}
const sealers = new WeakMap<Db, SealerState>();

/**
 * The cheap call for after a commit: at most one seal runs per process and database at a time;
 * kicks that arrive meanwhile share a single follow-up run, so a burst of requests costs two
 * seals, not hundreds. When nothing is unsealed it costs one indexed query. Never rejects:
 * an event left unsealed is picked up by the next kick, the periodic job or /v1/audit/verify.
 */
export function scheduleAuditSeal(db: Db, logger: Logger): Promise<void> {
  let state = sealers.get(db);
  if (!state) {
    state = { running: null, followUp: null };
    sealers.set(db, state);
  }
  const s = state;
  if (s.running === null) {
    s.running = runSeal(db, logger).finally(() => {
      s.running = null;
    });
    return s.running;
  }
  // The running seal may have read before our commit became visible: run once more after it.
  s.followUp ??= s.running.then(() => {
    s.followUp = null;
    return scheduleAuditSeal(db, logger);
  });
  return s.followUp;
}

async function runSeal(db: Db, logger: Logger): Promise<void> {
  try {
    if (await hasUnsealed(db)) await sealAuditEvents(db);
  } catch (err) {
    logger.warn({ err }, 'audit sealing failed; it will be retried');
  }
}
