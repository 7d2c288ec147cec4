import type { Db } from '../lib/db';
import { chainHead, chainLinkAt, latestAnchoredRun } from './chain-anchors.repository';
import type { ChainAnchors, ChainHead } from './notifications.table';

/*
 * Anchors against truncation. A hash chain proves that no sealed row changed, but deleting the
 * newest rows leaves a shorter chain that still verifies. Each reconciliation records both
 * chains' heads; the next one checks that each recorded head is still in its chain with the
 * same hash. The heads also go to the log, which an operator keeps outside the database.
 */

const CHAINS = { ledger: 'ledger_entries', audit: 'audit_events' } as const;
type Chain = keyof typeof CHAINS;

async function headOf(db: Db, chain: Chain): Promise<ChainHead | null> {
  const row = await chainHead(db, CHAINS[chain]);
  return row ? { seq: String(row.chain_seq), hash: row.hash ?? '' } : null;
}

/** Where both chains end now (call after sealing: the reconciliation's verify steps seal). */
export async function currentAnchors(db: Db): Promise<ChainAnchors> {
  return { ledger: await headOf(db, 'ledger'), audit: await headOf(db, 'audit') };
}

/** The anchors of the latest earlier run that recorded any, with the day it ran. */
export async function previousAnchors(db: Db): Promise<{ runOn: string; anchors: ChainAnchors } | undefined> {
  const row = await latestAnchoredRun(db);
  return row?.anchors ? { runOn: row.run_on, anchors: row.anchors } : undefined;
}

/** Null when every earlier head is still in its chain unchanged; otherwise what is wrong. */
export async function anchorProblems(
  db: Db,
  previous: { runOn: string; anchors: ChainAnchors } | undefined,
): Promise<string | null> {
  if (!previous) return null;
  const problems: string[] = [];
  for (const chain of Object.keys(CHAINS) as Chain[]) {
    const head = previous.anchors[chain];
    if (!head) continue;
    const row = await chainLinkAt(db, CHAINS[chain], head.seq);
    if (!row) {
      problems.push(`${chain} chain no longer reaches seq ${head.seq}, its end on ${previous.runOn}`);
    } else if (row.hash !== head.hash) {
      problems.push(`${chain} chain seq ${head.seq} has another hash than on ${previous.runOn}`);
    }
  }
  return problems.length === 0 ? null : problems.join('; ');
}
