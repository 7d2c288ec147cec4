import type { Db } from '../lib/db';

/** The chain anchors' SQL: the hash chains' heads, and the anchors earlier reconciliations recorded. */

export type AnchoredTable = 'ledger_entries' | 'audit_events';

/** The newest sealed row of a chain. */
export async function chainHead(db: Db, table: AnchoredTable) {
  return db
    .selectFrom(table)
    .select(['chain_seq', 'hash'])
    .where('chain_seq', 'is not', null)
    .orderBy('chain_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The hash of a chain's row at `seq`, if the chain still has one there. */
export async function chainLinkAt(db: Db, table: AnchoredTable, seq: string) {
  return db.selectFrom(table).select('hash').where('chain_seq', '=', seq).executeTakeFirst();
}

/** The latest reconciliation run that recorded anchors. */
export async function latestAnchoredRun(db: Db) {
  return db
    .selectFrom('reconciliation_runs')
    .select(['run_on', 'anchors'])
    .where('anchors', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
