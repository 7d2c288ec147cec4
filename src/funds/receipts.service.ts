import crypto from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { EntryInput } from '../ledger/ledger';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { latestToday } from '../lib/dates';
import { ValidationError } from '../lib/errors';
import { idempotencyClaim, replayOf, type IdempotentResult } from '../lib/idempotency';
import { formatMoney, parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { receiptPostings, type Fund } from './funds';
import { fundWithPots, insertReceiptWithEntry, type ReceiptRow } from './funds.repository';
import { callPostReceipt } from './receipts.repository';
import { fundInReach, heldCurrency, potOf } from './funds.service';

/** Money into a fund: the receipts endpoint, and receipts posted by other use cases. */

export interface ReceiptBody {
  source: string;
  amount: string;
  currency: string;
  pot?: string;
  receivedOn: string;
  reference?: string;
  donor?: string;
}

/**
 * POST /v1/funds/:id/receipts. Reach, pot and currency are checked first (the fund comes from the
 * per-process cache); then one call to `fund_post_receipt` claims the key, audits, posts and
 * stores the response in a single round trip, so nothing is written unless all of it is.
 */
export async function recordReceipt(
  ctx: AppContext,
  call: Call,
  fundId: string,
  body: ReceiptBody,
): Promise<IdempotentResult> {
  const endpoint = 'POST /v1/funds/:id/receipts';
  const claim = idempotencyClaim(call, endpoint);
  // Money received has arrived: a date in the future (today anywhere on Earth) is a typo or a
  // pledge, not a receipt. A date before the fund was set up here is fine (back-loading history).
  if (body.receivedOn > latestToday())
    throw new ValidationError([{ path: 'receivedOn', message: 'must not be in the future' }]);
  let fund = await fundInReach(ctx.db, ctx.db, call.actor, fundId, true);
  if (body.pot) fund = await fundWithPots(ctx.db, ctx.db, fund, [body.pot]);
  const pot = potOf(fund, body.pot ?? 'unrestricted');
  if (pot.kind === 'committed')
    throw new ValidationError([
      { path: 'pot', message: 'a committed pot receives money only from a State-fund decision' },
    ]);
  heldCurrency(fund, body.currency);
  const parts = receiptParts(fund, {
    ...body,
    pot: pot.code,
    amount: parseMoney(body.amount, body.currency),
    actor: call.actor,
    requestId: call.requestId,
  });
  // entryId and createdAt are known only inside the call, which adds them to the stored response.
  const {
    entryId: _entryId,
    createdAt: _createdAt,
    ...response
  } = receiptView(parts.posted('', new Date(0)));
  const answer = await withLedgerErrors(() =>
    callPostReceipt(
      ctx.db,
      { ...claim, endpoint },
      { actorRole: call.actor.role, requestId: call.requestId, details: parts.auditDetails },
      parts.entry,
      parts.row,
      { status: 201, body: response },
    ),
  );
  if (answer.replayed) return replayOf(answer, claim.hash);
  kickLedgerSealer(ctx.db, ctx.logger);
  return { status: answer.status, body: answer.response, replayed: false };
}

/** A receipt as written: its row (less who wrote it), its ledger entry and when. */
export type PostedReceipt = Omit<ReceiptRow, 'createdBy'> & { entryId: string; createdAt: Date };

export function receiptView(r: PostedReceipt) {
  return {
    id: r.id,
    entryId: r.entryId,
    fundId: r.fundId,
    source: r.source,
    pot: r.pot,
    amount: formatMoney(r.amount, r.currency),
    currency: r.currency,
    receivedOn: r.receivedOn,
    reference: r.reference,
    donor: r.donor,
    createdAt: r.createdAt.toISOString(),
  };
}

interface ReceiptInput {
  source: string;
  pot: string;
  amount: bigint;
  currency: string;
  receivedOn: string;
  reference?: string | null;
  donor?: string | null;
  actor: Actor;
  requestId: string;
  metadata?: Record<string, unknown>;
}

/** A new receipt's id, ledger entry, row and audit details, however it is then written. */
function receiptParts(fund: Fund, r: ReceiptInput) {
  const id = crypto.randomUUID();
  const entry: EntryInput = {
    kind: 'receipt',
    description: `Receipt (${r.source}) into pot ${r.pot}${r.reference ? `, ref ${r.reference}` : ''}`.slice(
      0,
      500,
    ),
    effectiveOn: r.receivedOn,
    createdBy: r.actor.userId,
    metadata: { fundId: fund.id, receiptId: id, source: r.source, pot: r.pot, ...r.metadata },
    postings: receiptPostings(fund, r),
  };
  const row: ReceiptRow = {
    id,
    fundId: fund.id,
    source: r.source,
    pot: r.pot,
    amount: r.amount,
    currency: r.currency,
    receivedOn: r.receivedOn,
    reference: r.reference ?? null,
    donor: r.donor ?? null,
    createdBy: r.actor.userId,
  };
  const auditDetails = { fundId: fund.id, source: r.source, pot: r.pot, currency: r.currency };
  const posted = (entryId: string, createdAt: Date): PostedReceipt => ({
    ...row,
    entryId,
    createdAt,
  });
  return { id, entry, row, auditDetails, posted };
}

/**
 * Money in, inside the caller's transaction: the receipt row, its ledger entry and the audit
 * event — for money paid into the fund on a claim. The caller has checked reach, the pot and
 * the currency. Call `kickLedgerSealer` after commit.
 */
export async function postReceiptInTransaction(
  trx: Trx,
  fund: Fund,
  r: ReceiptInput,
): Promise<PostedReceipt> {
  const parts = receiptParts(fund, r);
  // Audit first and post last: the accounts stay locked only from the posting to commit.
  await recordAudit(trx, {
    actor: r.actor,
    action: 'fund_receipt.create',
    resourceType: 'fund_receipt',
    resourceId: parts.id,
    requestId: r.requestId,
    details: parts.auditDetails,
  });
  const { entryId, createdAt } = await insertReceiptWithEntry(trx, parts.entry, parts.row);
  return parts.posted(entryId, createdAt);
}
