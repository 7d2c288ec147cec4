import type { Db } from './db';

/**
 * The hash chains' recorded bounds (one append-only row per chain): how far unkeyed links
 * reached (chain-keys.ts) and which rows predate write proofs (write-proof.ts).
 */

export async function findLegacyBound(db: Db, chain: 'audit' | 'ledger') {
  return db
    .selectFrom('chain_legacy_bounds')
    .select('last_legacy_seq')
    .where('chain', '=', chain)
    .executeTakeFirst();
}

export async function findWriteProofBound(db: Db, chain: 'audit' | 'ledger') {
  return db
    .selectFrom('write_proof_bounds')
    .select(['last_unproven_seq', 'unsealed_unproven_ids'])
    .where('chain', '=', chain)
    .executeTakeFirst();
}
