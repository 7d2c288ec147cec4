import type { Actor } from '../lib/auth';
import type { Db } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { approvalsOf, listDisbursementRows } from './disbursements.repository';
import { disbursementView, rowToDisbursement } from './disbursements.views';

export interface ListQuery {
  fundId?: string;
  victimId?: string;
  status?: string;
  limit: number;
  cursor?: string;
  /** csv: the whole list as CSV (see sendList) */
  format?: 'json' | 'csv';
}

function decodeCursor(cursor: string): string {
  const m = /^disbursement:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!m) throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  return m[1]!;
}

/** Disbursements of the funds in the caller's reach (their agency's; auditors: all), newest first. */
export async function listDisbursements(db: Db, actor: Actor, q: ListQuery) {
  const organizationId =
    actor.role === 'auditor' ? null : (actor.organizationId ?? '00000000-0000-0000-0000-000000000000');
  const rows = await listDisbursementRows(db, {
    organizationId,
    fundId: q.fundId,
    victimId: q.victimId,
    status: q.status,
    after: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const approvals = await approvalsOf(
    db,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => disbursementView(rowToDisbursement(r, approvals))),
    nextCursor:
      rows.length > q.limit && last ? Buffer.from(`disbursement:${last.id}`).toString('base64url') : null,
  };
}
