import { todayUtc } from '../lib/dates';
import { chainKeysOf } from '../lib/chain-keys';
import type { Db } from '../lib/db';
import { jsonForProof, makeWriteProof, type WriteProof } from '../lib/write-proof';

/**
 * What a ledger entry's write proof covers (see lib/write-proof.ts): everything the app decides
 * before the insert and verification can read back from the entry and its postings, in posting
 * order. Not the id, creation time or balances, which the database assigns.
 */
export interface EntryProofContent {
  kind: string;
  description: string;
  effectiveOn: string;
  reversesEntryId: string | null;
  createdBy: string | null;
  metadata: unknown;
  postings: ReadonlyArray<{ accountId: string; side: string; amount: bigint | string }>;
}

export function entryProofContent(e: EntryProofContent): unknown {
  return {
    kind: e.kind,
    description: e.description,
    effectiveOn: e.effectiveOn,
    reversesEntryId: e.reversesEntryId === null ? null : String(e.reversesEntryId),
    createdBy: e.createdBy?.toLowerCase() ?? null,
    metadata: jsonForProof(e.metadata),
    postings: e.postings.map((p) => ({
      accountId: String(p.accountId),
      side: p.side,
      amount: p.amount.toString(),
    })),
  };
}

export function makeEntryProof(db: Db, e: EntryProofContent): WriteProof {
  return makeWriteProof(chainKeysOf(db), 'ledger_entries', entryProofContent(e));
}

/**
 * The effective date when the caller gives none. Decided here rather than by the database's
 * current_date, because the proof must cover the date the row will carry.
 */
export function effectiveDate(given: string | null | undefined): string {
  return given ?? todayUtc();
}
