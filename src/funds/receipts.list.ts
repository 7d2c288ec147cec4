import type { Actor } from '../lib/auth';
import type { Db } from '../lib/db';
import { assertDateOrder, notBefore } from '../lib/date-order';
import { ValidationError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { fundInReach } from './funds.service';
import { listReceiptRows } from './receipts.repository';

/** GET /v1/funds/:id/receipts: money received, by source, period and pot, newest first. */
export interface ReceiptListQuery {
  source?: string;
  pot?: string;
  currency?: string;
  /** received on or after (YYYY-MM-DD) */
  from?: string;
  /** received on or before */
  to?: string;
  limit: number;
  cursor?: string;
  format?: 'json' | 'csv';
}

const CURSOR = /^receipt:(\d{4}-\d{2}-\d{2}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function decodeCursor(cursor: string): { receivedOn: string; id: string } {
  const m = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  return { receivedOn: m[1]!, id: m[2]! };
}

const encodeCursor = (receivedOn: string, id: string) =>
  Buffer.from(`receipt:${receivedOn}:${id}`).toString('base64url');

export async function listReceipts(db: Db, actor: Actor, fundId: string, q: ReceiptListQuery) {
  assertDateOrder([notBefore('to', q.to, 'the start of the period (from)', q.from)]);
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  await fundInReach(db, db, actor, fundId, false);
  const rows = await listReceiptRows(db, { ...q, fundId, after, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      fundId: r.fund_id,
      entryId: r.entry_id,
      source: r.source,
      pot: r.pot_code,
      amount: formatMoney(BigInt(r.amount), r.currency),
      currency: r.currency,
      receivedOn: r.received_on,
      reference: r.reference,
      donor: r.donor,
      createdAt: r.created_at.toISOString(),
      reversal:
        r.reversal_entry_id === null
          ? null
          : {
              entryId: r.reversal_entry_id,
              effectiveOn: r.reversed_on!,
              description: r.reversal_description!,
            },
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.received_on, last.id) : null,
  };
}

export type ReceiptItem = Awaited<ReturnType<typeof listReceipts>>['items'][number];
