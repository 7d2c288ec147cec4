import crypto from 'node:crypto';
import type { Response } from 'express';
import type { Actor } from './auth';
import { transact, type Db, type Trx } from './db';
import { IdempotencyKeyReusedError, ValidationError } from './errors';
import { canonicalJson } from './hash-chain';
import {
  claimIdempotencyKey,
  findIdempotencyRecord,
  storeIdempotentResponse,
} from './idempotency.repository';

export interface IdempotentResult {
  status: number;
  body: unknown;
  /** True when this answer is the stored first response to an earlier request. */
  replayed: boolean;
}

export interface IdempotentCall {
  actor: Pick<Actor, 'userId'>;
  idempotencyKey: string | undefined;
  params?: unknown;
  body?: unknown;
}

/**
 * The key row this request claimed. An effect may write its response into it itself, in the
 * same statement as its last write (see `StoredResponse`), to save a round trip while it holds
 * row locks. `startedAt` is the transaction's now(), for rows that record their creation time.
 */
export interface IdempotencySlot {
  userId: string;
  key: string;
  startedAt: Date;
}

/** What an effect returns when it has already stored `response` (as read back) in its slot. */
export interface StoredResponse {
  status: number;
  storedResponse: unknown;
}

type EffectResult = { status: number; body: unknown } | StoredResponse;

export function requestHash(endpoint: string, call: IdempotentCall): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson({ endpoint, params: call.params ?? {}, body: call.body ?? {} }))
    .digest('hex');
}

/** What a request claims: its user's key (required) and the hash that ties the key to it. */
export function idempotencyClaim(
  call: IdempotentCall,
  endpoint: string,
): { key: string; hash: string; userId: string } {
  const key = call.idempotencyKey;
  if (!key) throw new ValidationError([{ path: 'Idempotency-Key', message: 'header is required' }]);
  return { key, hash: requestHash(endpoint, call), userId: call.actor.userId };
}

/** The stored first answer, if the key was used for this same request; 409 if for another. */
export function replayOf(
  prior: { request_hash: string; status: number; response: unknown },
  hash: string,
): IdempotentResult {
  if (prior.request_hash !== hash) {
    throw new IdempotencyKeyReusedError();
  }
  return { status: prior.status, body: prior.response, replayed: true };
}

/**
 * Runs a money-moving operation at most once per (user, Idempotency-Key), for any domain.
 *
 * The key row is inserted FIRST, in the same transaction as the effect, and the response is
 * written into it before commit: effect and record commit together or not at all. The primary
 * key (user_id, key) is the lock: a concurrent request with the same key blocks on the insert
 * until the first commits, then finds the row and replays it — 50 parallel identical requests
 * make one effect and 50 identical answers. If the first attempt fails (4xx or crash) its row
 * rolls back with it, so a retry runs afresh. The same key with another request: 409.
 * An effect may store its response itself in its final statement (`StoredResponse`), so that
 * the statement that locks ledger accounts is the last one before COMMIT.
 * Rows are kept permanently.
 */
export async function idempotent(
  db: Db,
  call: IdempotentCall,
  endpoint: string,
  effect: (trx: Trx, slot: IdempotencySlot) => Promise<EffectResult>,
): Promise<IdempotentResult> {
  const { key, hash, userId } = idempotencyClaim(call, endpoint);
  return transact(db, async (trx) => {
    const claimed = await claimIdempotencyKey(trx, { userId, key, endpoint, hash });
    if (!claimed) return replayOf(await findIdempotencyRecord(trx, userId, key), hash);
    const result = await effect(trx, { userId, key, startedAt: claimed.started_at });
    if ('storedResponse' in result) {
      return { status: result.status, body: result.storedResponse, replayed: false };
    }
    // Answer with the stored form, so the first response and every replay are byte-identical.
    const stored = await storeIdempotentResponse(trx, userId, key, result);
    return { status: result.status, body: stored, replayed: false };
  });
}

/** Sends an idempotent result; a replay is marked so clients and logs can tell. */
export function sendIdempotent(res: Response, result: IdempotentResult): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).json(result.body);
}
