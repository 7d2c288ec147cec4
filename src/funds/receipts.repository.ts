import { sql } from 'kysely';
import type { EntryInput } from '../ledger/ledger';
import type { Db } from '../lib/db';
import type { ReceiptRow } from './funds.repository';

/** What `fund_post_receipt` answers: the stored response, or an earlier one for the same key. */
export interface PostReceiptAnswer {
  replayed: boolean;
  status: number;
  response: unknown;
  request_hash: string;
}

/**
 * A receipt over HTTP in one round trip, on its own (autocommit) transaction: key claim, audit
 * event, entry, receipt row and stored response (`response` plus `entryId` and `createdAt`),
 * all by the `fund_post_receipt` function (migration 2026_11_29_900000). The caller has checked
 * reach, pot and currency.
 */
export async function callPostReceipt(
  db: Db,
  claim: { userId: string; key: string; endpoint: string; hash: string },
  audit: { actorRole: string; requestId: string; details: Record<string, unknown> },
  entry: EntryInput,
  r: ReceiptRow,
  respond: { status: number; body: Record<string, unknown> },
): Promise<PostReceiptAnswer> {
  const { rows } = await sql<PostReceiptAnswer>`select * from fund_post_receipt(
      ${claim.userId}::uuid, ${claim.key}, ${claim.endpoint}, ${claim.hash}, ${respond.status}::int,
      ${JSON.stringify(respond.body)}::jsonb,
      ${audit.actorRole}, ${audit.requestId}, ${JSON.stringify(audit.details)}::jsonb,
      ${r.id}::uuid, ${r.fundId}::uuid, ${r.source}, ${r.pot}, ${r.amount.toString()}::bigint, ${r.currency},
      ${r.receivedOn}::date, ${r.reference}, ${r.donor},
      ${entry.description}, ${JSON.stringify(entry.metadata ?? {})}::jsonb,
      ${entry.postings.map((p) => p.accountId)}::bigint[], ${entry.postings.map((p) => p.side)}::text[],
      ${entry.postings.map((p) => p.amount.toString())}::bigint[])`.execute(db);
  const answer = rows[0];
  if (!answer) throw new Error('fund_post_receipt answered nothing');
  return answer;
}
