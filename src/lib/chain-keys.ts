import crypto from 'node:crypto';
import { findLegacyBound } from './chain-bounds.repository';
import type { KeyMaterial } from './crypto';
import type { Db } from './db';
import type { Logger } from './logger';

/**
 * The keys that sign chain links (audit events, ledger entries). A plain hash chain proves only
 * that rows agree with each other: whoever can write SQL can rewrite a row and recompute every
 * hash after it. An HMAC under a key the database never holds makes that rewrite detectable.
 *
 * A ring, like PII_KEYS: the first key signs new links, every key verifies (each link records the
 * id of the key that signed it), so a key can be rotated without re-sealing history.
 */
export interface ChainKeyRing {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export function parseChainKeys(text: string): ChainKeyRing {
  const entries = text.split(',').map((part) => {
    const [id, b64, extra] = part.trim().split(':');
    if (!id || !/^[A-Za-z0-9_-]{1,40}$/.test(id) || b64 === undefined || extra !== undefined)
      throw new Error('CHAIN_KEYS: must be a comma-separated list of id:base64key');
    const key = Buffer.from(b64, 'base64');
    if (key.length < 32) throw new Error(`CHAIN_KEYS: key ${id} must be at least 32 bytes (base64)`);
    return [id, key] as const;
  });
  const keys = new Map(entries);
  // A repeated id would make old links verify against the wrong key.
  if (keys.size !== entries.length) throw new Error('CHAIN_KEYS: key ids must be unique');
  return { activeKeyId: entries[0]![0], keys };
}

/**
 * Without CHAIN_KEYS outside production: one chain key per PII key, derived from it (so the
 * embedded default, whose PII keys live in DATA_DIR/keys.json, keeps the same chain key across
 * restarts, and rotating PII_KEYS keeps every older chain key). Never stored in the database.
 */
export function deriveChainKeys(material: KeyMaterial): ChainKeyRing {
  const keys = new Map(
    material.keys.map(({ id, key }) => [
      `pii-${id}`,
      crypto.createHmac('sha256', key).update('redress chain key v1').digest(),
    ]),
  );
  return { activeKeyId: `pii-${material.keys[0]!.id}`, keys };
}

export function resolveChainKeys(
  config: { nodeEnv: string; chainKeys: string | undefined },
  material: KeyMaterial,
  logger: Logger,
): ChainKeyRing {
  if (config.chainKeys) return parseChainKeys(config.chainKeys);
  if (config.nodeEnv === 'production') throw new Error('CHAIN_KEYS is required in production');
  logger.warn('CHAIN_KEYS not set: chain links are signed with keys derived from the PII keys.');
  return deriveChainKeys(material);
}

// The sealers and verifiers are called with a database handle from many places (requests,
// jobs, the reconciliation); binding the ring to the handle at start-up spares every caller.
const rings = new WeakMap<Db, ChainKeyRing>();

export function bindChainKeys(db: Db, ring: ChainKeyRing): void {
  rings.set(db, ring);
}

/** A transaction opened on a bound handle carries the same ring (see transact in lib/db.ts). */
export function inheritChainKeys(parent: Db, child: Db): void {
  const ring = rings.get(parent);
  if (ring) rings.set(child, ring);
}

export function chainKeysOf(db: Db): ChainKeyRing {
  const ring = rings.get(db);
  // Never fall back to unkeyed links: they are exactly what a forger can compute.
  if (!ring) throw new Error('no chain keys bound to this database handle (see bootstrap.ts)');
  return ring;
}

/** The last sequence number a chain may carry an unkeyed link at (0: none may). */
export async function legacyBoundOf(db: Db, chain: 'audit' | 'ledger'): Promise<bigint> {
  const row = await findLegacyBound(db, chain);
  // No row means the table was tampered with: allow no legacy link rather than any.
  return BigInt(row?.last_legacy_seq ?? '0');
}
