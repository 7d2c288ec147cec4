import { recordAudit } from '../../audit/audit.service';
import type { AppContext } from '../../context';
import { hashToken, newToken, type Actor } from '../../lib/auth';
import { addDays, todayUtc } from '../../lib/dates';
import { transact } from '../../lib/db';
import { NotFoundError } from '../../lib/errors';
import { hearingsCalendar } from './calendar-ics';
import { deleteFeed, feedOf, feedOwner, putFeed } from './calendar-feed.repository';
import { hearingsInScope } from './hearings.repository';
import { hearingView, scopeOf } from './hearings.views';

/** How far back and ahead the feed reaches, and the most events it carries. */
const FEED_PAST_DAYS = 90;
const FEED_AHEAD_DAYS = 400;
const FEED_MAX_EVENTS = 5000;

export interface CalendarFeedView {
  active: boolean;
  createdAt: string | null;
}

export interface NewCalendarFeed {
  url: string;
  token: string;
  createdAt: string;
}

const feedUrl = (ctx: AppContext, token: string) =>
  `${ctx.config.publicUrl.replace(/\/+$/, '')}/calendar/${token}.ics`;

/** A new secret URL (shown once; only its hash is kept); any earlier one stops working. */
export async function rotateCalendarFeed(
  ctx: AppContext,
  actor: Actor,
  requestId: string,
): Promise<NewCalendarFeed> {
  const token = newToken();
  const createdAt = await transact(ctx.db, async (trx) => {
    const at = await putFeed(trx, actor.userId, hashToken(token));
    await recordAudit(trx, {
      actor,
      action: 'calendar_feed.rotate',
      resourceType: 'user',
      resourceId: actor.userId,
      requestId,
    });
    return at;
  });
  return { url: feedUrl(ctx, token), token, createdAt: createdAt.toISOString() };
}

export async function revokeCalendarFeed(ctx: AppContext, actor: Actor, requestId: string): Promise<void> {
  await transact(ctx.db, async (trx) => {
    const had = await deleteFeed(trx, actor.userId);
    await recordAudit(trx, {
      actor,
      action: 'calendar_feed.revoke',
      resourceType: 'user',
      resourceId: actor.userId,
      requestId,
      details: { had },
    });
  });
}

export async function calendarFeedOf(ctx: AppContext, actor: Actor): Promise<CalendarFeedView> {
  const feed = await feedOf(ctx.db, actor.userId);
  return { active: !!feed, createdAt: feed ? feed.created_at.toISOString() : null };
}

/**
 * The feed behind a token: the hearings its owner may see today (reach is worked out at each
 * read, so a moved or deactivated user's feed follows). Unknown or revoked tokens are a 404.
 */
export async function renderCalendarFeed(ctx: AppContext, token: string, requestId: string): Promise<string> {
  const owner = await feedOwner(ctx.db, hashToken(token));
  if (!owner) throw new NotFoundError('calendar');
  const actor: Actor = {
    userId: owner.id,
    role: owner.role,
    organizationId: owner.organization_id,
    tokenId: '',
  };
  const today = todayUtc();
  const rows = await hearingsInScope(ctx.db, scopeOf(actor), {
    from: addDays(today, -FEED_PAST_DAYS),
    to: addDays(today, FEED_AHEAD_DAYS),
    limit: FEED_MAX_EVENTS,
  });
  await transact(ctx.db, (trx) =>
    recordAudit(trx, {
      actor,
      action: 'calendar_feed.read',
      resourceType: 'user',
      resourceId: owner.id,
      requestId,
      details: { count: rows.length },
    }),
  );
  return hearingsCalendar(
    rows.map((r) => hearingView(r)),
    new Date(),
  );
}
