import { sql } from 'kysely';
import { auditProofContent } from '../audit/audit';
import type { EntryInput } from '../ledger/ledger';
import { makeEntryProof } from '../ledger/ledger-proof';
import { chainKeysOf } from '../lib/chain-keys';
import type { Db } from '../lib/db';
import { makeWriteProof } from '../lib/write-proof';
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
 * all by the `fund_post_receipt` function (migrations 2026_11_29_900000, 2026_12_02_960000). The caller has checked
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
  // The function writes the audit event in PL/pgSQL; its write proof must still come from here.
  const proof = makeWriteProof(
    chainKeysOf(db),
    'audit_events',
    auditProofContent({
      actorId: claim.userId,
      actorRole: audit.actorRole,
      action: 'fund_receipt.create',
      resourceType: 'fund_receipt',
      resourceId: r.id.toLowerCase(),
      requestId: audit.requestId,
      outcome: 'success',
      details: audit.details,
    }),
  );
  const entryProof = makeEntryProof(db, {
    kind: 'receipt',
    description: entry.description,
    effectiveOn: r.receivedOn,
    reversesEntryId: null,
    createdBy: claim.userId,
    metadata: entry.metadata ?? {},
    postings: entry.postings,
  });
  const { rows } = await sql<PostReceiptAnswer>`select * from fund_post_receipt(
      ${claim.userId}::uuid, ${claim.key}, ${claim.endpoint}, ${claim.hash}, ${respond.status}::int,
      ${JSON.stringify(respond.body)}::jsonb,
      ${audit.actorRole}, ${audit.requestId}, ${JSON.stringify(audit.details)}::jsonb,
      ${proof.nonce}::uuid, ${proof.keyId}, ${proof.mac},
      ${r.id}::uuid, ${r.fundId}::uuid, ${r.source}, ${r.pot}, ${r.amount.toString()}::bigint, ${r.currency},
      ${r.receivedOn}::date, ${r.reference}, ${r.donor},
      ${entry.description}, ${JSON.stringify(entry.metadata ?? {})}::jsonb,
      ${entry.postings.map((p) => p.accountId)}::bigint[], ${entry.postings.map((p) => p.side)}::text[],
      ${entry.postings.map((p) => p.amount.toString())}::bigint[],
      ${entryProof.nonce}::uuid, ${entryProof.keyId}, ${entryProof.mac})`.execute(db);
  const answer = rows[0];
  if (!answer) throw new Error('fund_post_receipt answered nothing');
  return answer;
}

export interface ReceiptListFilter {
  fundId: string;
  source?: string;
  pot?: string;
  currency?: string;
  from?: string;
  to?: string;
  /** keyset: rows strictly after this (received_on, id) in newest-first order */
  after?: { receivedOn: string; id: string };
  limit: number;
}

/** A fund's receipts, newest first by the day received, each with the entry that reversed it. */
export async function listReceiptRows(db: Db, f: ReceiptListFilter) {
  let q = db
    .selectFrom('fund_receipts as r')
    .leftJoin('ledger_entries as rev', 'rev.reverses_entry_id', 'r.entry_id')
    .select([
      'r.id',
      'r.fund_id',
      'r.entry_id',
      'r.source',
      'r.pot_code',
      'r.amount',
      'r.currency',
      'r.received_on',
      'r.reference',
      'r.donor',
      'r.created_at',
      'rev.id as reversal_entry_id',
      'rev.effective_on as reversed_on',
      'rev.description as reversal_description',
    ])
    .where('r.fund_id', '=', f.fundId);
  if (f.source !== undefined) q = q.where('r.source', '=', f.source);
  if (f.pot !== undefined) q = q.where('r.pot_code', '=', f.pot);
  if (f.currency !== undefined) q = q.where('r.currency', '=', f.currency);
  if (f.from !== undefined) q = q.where('r.received_on', '>=', f.from);
  if (f.to !== undefined) q = q.where('r.received_on', '<=', f.to);
  if (f.after !== undefined) {
    const { receivedOn, id } = f.after;
    q = q.where(sql<boolean>`(r.received_on, r.id) < (${receivedOn}::date, ${id}::uuid)`);
  }
  return q.orderBy('r.received_on', 'desc').orderBy('r.id', 'desc').limit(f.limit).execute();
}
