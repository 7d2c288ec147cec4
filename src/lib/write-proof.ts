import crypto from 'node:crypto';
import { findWriteProofBound } from './chain-bounds.repository';
import type { ChainKeyRing } from './chain-keys';
import type { Db } from './db';
import { canonicalJson } from './hash-chain';

/**
 * A keyed proof that the application wrote a row. Chain links are made AFTER commit by a sealer
 * that seals whatever committed rows it finds, so a row INSERTed by SQL alone would be sealed
 * with a valid link and look genuine. The write proof is made BEFORE the insert, by the app,
 * under a chain key the database never holds, over the row's content and a fresh nonce (UNIQUE
 * in the table, so a copied row cannot be replayed). Verification recomputes it from the stored
 * row: a row without one, or with one that does not match, is a forgery.
 */
export type ProvenTable = 'audit_events' | 'ledger_entries';

export interface WriteProof {
  nonce: string;
  keyId: string;
  mac: string;
}

/** The proof columns as stored; all null on rows written before proofs existed (or forged). */
export interface StoredWriteProof {
  writeNonce: string | null;
  writeKeyId: string | null;
  writeMac: string | null;
}

function mac(key: Buffer, table: ProvenTable, keyId: string, nonce: string, content: unknown): string {
  return crypto
    .createHmac('sha256', key)
    .update(`redress-write-v1\n${table}\n${keyId}\n${nonce}\n`)
    .update(canonicalJson(content))
    .digest('hex');
}

/** A new proof under the ring's active key. `content` must be what verification can rebuild. */
export function makeWriteProof(ring: ChainKeyRing, table: ProvenTable, content: unknown): WriteProof {
  const keyId = ring.activeKeyId;
  const nonce = crypto.randomUUID();
  return { nonce, keyId, mac: mac(ring.keys.get(keyId)!, table, keyId, nonce, content) };
}

/** True when the stored proof was made by a key of the ring over exactly this content. */
export function writeProofHolds(
  ring: ChainKeyRing,
  table: ProvenTable,
  stored: StoredWriteProof,
  content: unknown,
): boolean {
  const { writeNonce, writeKeyId, writeMac } = stored;
  if (writeNonce === null || writeKeyId === null || writeMac === null) return false;
  const key = ring.keys.get(writeKeyId);
  if (!key) return false;
  const expected = Buffer.from(mac(key, table, writeKeyId, writeNonce.toLowerCase(), content), 'hex');
  const actual = Buffer.from(writeMac, 'hex');
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** A jsonb value as both sides of a proof see it: parsed from JSON text, so key order and spacing do not matter. */
export function jsonForProof(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {})) as unknown;
}

/**
 * Which rows predate write proofs: those sealed at or before `lastUnprovenSeq`, plus the few that
 * were committed but not yet sealed when the proofs migration ran (their ids, recorded then).
 * Recorded once, in an append-only table; a row sealed later without a proof fails.
 */
export interface WriteProofBound {
  lastUnprovenSeq: bigint;
  unsealedUnprovenIds: ReadonlySet<string>;
}

export async function writeProofBoundOf(db: Db, chain: 'audit' | 'ledger'): Promise<WriteProofBound> {
  const row = await findWriteProofBound(db, chain);
  // No row means the table was tampered with: excuse no row rather than every row.
  return {
    lastUnprovenSeq: BigInt(row?.last_unproven_seq ?? '0'),
    unsealedUnprovenIds: new Set((row?.unsealed_unproven_ids ?? []).map(String)),
  };
}

export function predatesWriteProofs(bound: WriteProofBound, row: { id: string; chainSeq: string }): boolean {
  return BigInt(row.chainSeq) <= bound.lastUnprovenSeq || bound.unsealedUnprovenIds.has(row.id);
}
