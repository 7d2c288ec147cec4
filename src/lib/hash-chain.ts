import crypto from 'node:crypto';

/**
 * Tamper evidence for append-only tables (audit events, ledger entries).
 *
 * Each sealed row stores `hash = sha256(prev_hash || canonical(row))`. Rows are sealed after
 * they commit, by a sealer that holds an advisory lock and assigns `chain_seq` in the order it
 * finds committed, unsealed rows. Ids are handed out before commit, so ordering by id alone
 * would be wrong: a slow transaction can commit id 7 after id 8 was chained. Sealing only what is
 * committed, in seal order, keeps the chain well-defined without making every writer wait for
 * one global lock while its transaction is open.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prevHash: string, content: unknown): string {
  return crypto
    .createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(content))
    .digest('hex');
}

/**
 * A keyed link: HMAC-SHA256 under a chain key the database does not hold, over the key id, the
 * link's place in the chain, its predecessor's hash and the content. Recomputing it takes the
 * key, so a row inserted or rewritten by SQL alone cannot be given a link that verifies.
 */
export function keyedChainHash(
  key: Buffer,
  keyId: string,
  seq: string,
  prevHash: string,
  content: unknown,
): string {
  return crypto
    .createHmac('sha256', key)
    .update(`redress-chain-v2\n${keyId}\n${seq}\n${prevHash}\n`)
    .update(canonicalJson(content))
    .digest('hex');
}

/** What a verifier knows about a sealed row besides its content. */
export interface SealedLink {
  chainSeq: string;
  prevHash: string | null;
  hash: string | null;
  chainKeyId: string | null;
}

/**
 * Walks a chain link by link. Rows sealed before chain keys existed carry unkeyed links; they
 * are accepted only up to `lastLegacySeq` (recorded by the migration that introduced keys, in an
 * append-only table) and only before the first keyed link: an unkeyed link anywhere later, or a
 * key id the ring does not know, is a break.
 */
export class ChainWalker {
  private expectedSeq = 1n;
  private prev = GENESIS_HASH;
  private keyedSeen = false;
  /** Sequence number of the last unkeyed (legacy) link seen, if any. */
  legacyEnds: string | null = null;

  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly lastLegacySeq: bigint,
  ) {}

  /** True when the link is intact; then it becomes the predecessor of the next one. */
  accept(link: SealedLink, content: unknown): boolean {
    const seq = BigInt(link.chainSeq);
    if (seq !== this.expectedSeq || link.prevHash !== this.prev) return false;
    let hash: string;
    if (link.chainKeyId === null) {
      if (this.keyedSeen || seq > this.lastLegacySeq) return false;
      hash = chainHash(this.prev, content);
    } else {
      const key = this.keys.get(link.chainKeyId);
      if (!key) return false;
      hash = keyedChainHash(key, link.chainKeyId, link.chainSeq, this.prev, content);
    }
    if (link.hash !== hash) return false;
    if (link.chainKeyId === null) this.legacyEnds = link.chainSeq;
    else this.keyedSeen = true;
    this.expectedSeq += 1n;
    this.prev = hash;
    return true;
  }
}
