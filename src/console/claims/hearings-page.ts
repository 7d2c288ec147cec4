import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../../context';
import { calendarFeedOf, rotateCalendarFeed } from '../../claims/hearings/calendar-feed.service';
import { hearingListQuery } from '../../claims/hearings/hearings.schemas';
import { listHearings } from '../../claims/hearings/hearings.reads';
import { AppError } from '../../lib/errors';
import { consoleAction, consolePage, type ConsoleCall } from '../console-route';
import { formProblem, stripFormFields, type FormProblem } from '../form-problems';

const MAX_SHOWN = 500;

/** The calendar of my hearings between two days (the API's defaults: today and 90 days on). */
async function showHearings(call: ConsoleCall): Promise<void> {
  const values = stripFormFields(call.query);
  const checked = hearingListQuery.validate({ ...values, limit: MAX_SHOWN }, { abortEarly: false });
  let problem: FormProblem | undefined;
  let page: Awaited<ReturnType<typeof listHearings>> | undefined;
  if (checked.error) problem = formProblem(call.t, checked.error, values);
  else {
    try {
      page = await listHearings(call.ctx, call.actor, checked.value, call.requestId);
    } catch (err) {
      // A period the service refuses (e.g. too long) is a problem with the filter, shown on it.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      problem = formProblem(call.t, err, values);
    }
  }
  const feed = await calendarFeedOf(call.ctx, call.actor);
  call.render(
    'claims/hearings.njk',
    {
      title: call.t('hearing.calendar.title'),
      hearings: page?.items ?? [],
      from: page?.from ?? values.from,
      to: page?.to ?? values.to,
      more: !!page?.nextCursor,
      feed,
      problem,
    },
    problem?.status ?? 200,
  );
}

export function registerHearingsPage(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/hearings', permission: 'hearings:read' }, showHearings);

  consoleAction(ctx, router, {
    path: '/hearings/calendar-feed',
    permission: 'calendar-feed:write',
    schema: Joi.object({}),
    run: async (call) => {
      // The secret address is shown once, on the next page; only its hash is kept.
      const feed = await rotateCalendarFeed(call.ctx, call.actor, call.requestId);
      return {
        redirect: '/console/hearings',
        flash: { key: 'hearing.feed.created', vars: { url: feed.url } },
      };
    },
    reshow: async (call) => showHearings(call),
  });
}
