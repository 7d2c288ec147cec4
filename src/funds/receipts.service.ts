import crypto from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { EntryInput } from '../ledger/ledger';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { idempotent, type IdempotencySlot, type IdempotentResult } from '../lib/idempotency';
import { formatMoney, parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { receiptPostings, type Fund } from './funds';
import {
  fundWithPots,
  insertReceiptWithEntry,
  insertReceiptWithEntryAndResponse,
  type ReceiptRow,
} from './funds.repository';
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

export async function recordReceipt(
  ctx: AppContext,
  call: Call,
  fundId: string,
  body: ReceiptBody,
): Promise<IdempotentResult> {
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/funds/:id/receipts', async (trx, slot) => {
      let fund = await fundInReach(ctx.db, trx, call.actor, fundId, true);
      if (body.pot) fund = await fundWithPots(trx, ctx.db, fund, [body.pot]);
      const pot = potOf(fund, body.pot ?? 'unrestricted');
      if (pot.kind === 'committed')
        throw new ValidationError([
          { path: 'pot', message: 'a committed pot receives money only from a State-fund decision' },
        ]);
      heldCurrency(fund, body.currency);
      const { storedResponse } = await postReceiptInTransaction(
        trx,
        fund,
        {
          ...body,
          pot: pot.code,
          amount: parseMoney(body.amount, body.currency),
          actor: call.actor,
          requestId: call.requestId,
        },
        { slot, status: 201 },
      );
      return { status: 201, storedResponse };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  return result;
}

export interface PostedReceipt {
  id: string;
  entryId: string;
  fundId: string;
  source: string;
  pot: string;
  amount: bigint;
  currency: string;
  receivedOn: string;
  reference: string | null;
  donor: string | null;
  createdAt: Date;
}

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

/**
 * Money in, inside the caller's transaction: the receipt row, its ledger entry and the audit
 * event. The HTTP receipt and money paid into the fund on a claim both come through here; the
 * caller has checked reach, the pot and the currency. Call `kickLedgerSealer` after commit.
 * With `respond`, the receipt view is stored as the idempotent response in the posting's own
 * statement (created_at is then the transaction's start, as the column default would give).
 */
export async function postReceiptInTransaction(
  trx: Trx,
  fund: Fund,
  r: {
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
  },
  respond?: { slot: IdempotencySlot; status: number },
): Promise<PostedReceipt & { storedResponse?: unknown }> {
  const id = crypto.randomUUID();
  // Audit first and post last: the accounts stay locked only from the posting to commit.
  await recordAudit(trx, {
    actor: r.actor,
    action: 'fund_receipt.create',
    resourceType: 'fund_receipt',
    resourceId: id,
    requestId: r.requestId,
    details: { fundId: fund.id, source: r.source, pot: r.pot, currency: r.currency },
  });
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
  const posted = (entryId: string, createdAt: Date): PostedReceipt => ({
    id,
    entryId,
    fundId: fund.id,
    source: r.source,
    pot: r.pot,
    amount: r.amount,
    currency: r.currency,
    receivedOn: r.receivedOn,
    reference: r.reference ?? null,
    donor: r.donor ?? null,
    createdAt,
  });
  if (respond) {
    const createdAt = respond.slot.startedAt;
    // The entry id is known only once posted: the statement adds it to the stored response.
    const { entryId: _unknown, ...body } = receiptView(posted('', createdAt));
    const { entryId, response } = await insertReceiptWithEntryAndResponse(
      trx,
      entry,
      { ...row, createdAt },
      { userId: respond.slot.userId, key: respond.slot.key, status: respond.status, body },
    );
    return { ...posted(entryId, createdAt), storedResponse: response };
  }
  const { entryId, createdAt } = await insertReceiptWithEntry(trx, entry, row);
  return posted(entryId, createdAt);
}
