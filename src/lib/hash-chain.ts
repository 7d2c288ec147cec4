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
