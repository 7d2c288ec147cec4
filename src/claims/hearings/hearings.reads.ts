import { recordAudit } from '../../audit/audit.service';
import type { AppContext } from '../../context';
import type { Actor } from '../../lib/auth';
import { addDays, todayUtc } from '../../lib/dates';
import { transact } from '../../lib/db';
import { ValidationError } from '../../lib/errors';
import { claimFor } from '../claims.access';
import type { HearingStatus, HearingView } from './hearings';
import { eventsOf, hearingsInScope, hearingsOfClaim } from './hearings.repository';
import { hearingFor, hearingView, scopeOf } from './hearings.views';

export interface HearingListQuery {
  from?: string;
  to?: string;
  status?: HearingStatus;
  limit: number;
  cursor?: string;
  /** csv: the whole calendar of the period as CSV (see lib/csv.ts) */
  format?: string;
}

/** The longest period one listing covers: a calendar year and a bit. */
export const MAX_RANGE_DAYS = 400;
const DEFAULT_RANGE_DAYS = 90;

export async function getHearing(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<HearingView> {
  return transact(ctx.db, async (trx) => {
    const { hearing, claim } = await hearingFor(trx, actor, id);
    await recordAudit(trx, {
      actor,
      action: 'hearing.read',
      resourceType: 'hearing',
      resourceId: id,
      requestId,
      details: { claimId: claim.id },
    });
    return hearingView(hearing, await eventsOf(trx, id));
  });
}

export async function listClaimHearings(
  ctx: AppContext,
  actor: Actor,
  claimId: string,
  requestId: string,
): Promise<{ items: HearingView[]; nextCursor: null }> {
  return transact(ctx.db, async (trx) => {
    const claim = await claimFor(trx, actor, claimId);
    const rows = await hearingsOfClaim(trx, claim.id);
    await recordAudit(trx, {
      actor,
      action: 'hearing.list',
      resourceType: 'claim',
      resourceId: claim.id,
      requestId,
      details: { count: rows.length },
    });
    return { items: rows.map((r) => hearingView(r)), nextCursor: null };
  });
}

interface Cursor {
  date: string;
  time: string;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.date, c.time, c.id])).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  try {
    const [date, time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof date === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(date) &&
      typeof time === 'string' &&
      /^(\d{2}:\d{2})?$/.test(time) &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/.test(id)
    )
      return { date, time, id };
  } catch {
    // falls through to the 400
  }
  throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
}

/** Hearings in the caller's reach dated from `from` to `to` (both days included). */
export async function listHearings(
  ctx: AppContext,
  actor: Actor,
  query: HearingListQuery,
  requestId: string,
): Promise<{ items: HearingView[]; nextCursor: string | null; from: string; to: string }> {
  const from = query.from ?? todayUtc();
  const to = query.to ?? addDays(from, DEFAULT_RANGE_DAYS);
  if (to < from) throw new ValidationError([{ path: 'to', message: `must not be before from (${from})` }]);
  if (to > addDays(from, MAX_RANGE_DAYS))
    throw new ValidationError([{ path: 'to', message: `must be within ${MAX_RANGE_DAYS} days of from` }]);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await hearingsInScope(ctx.db, scopeOf(actor), {
    from,
    to,
    status: query.status,
    limit: query.limit + 1,
    after,
  });
  const page = rows.slice(0, query.limit);
  await transact(ctx.db, (trx) =>
    recordAudit(trx, {
      actor,
      action: 'hearing.list',
      resourceType: 'hearing',
      requestId,
      details: { from, to, count: page.length },
    }),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => hearingView(r)),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ date: last.scheduled_on, time: last.starts_at_local ?? '', id: last.id })
        : null,
    from,
    to,
  };
}
