import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../../context';
import { defineRoute } from '../../lib/route';
import {
  calendarFeedOf,
  renderCalendarFeed,
  revokeCalendarFeed,
  rotateCalendarFeed,
} from './calendar-feed.service';

const tags = ['Hearings'];

/** Creating and revoking a feed take no fields (the token is generated, the caller is the owner). */
export type NoFields = Record<string, never>;

export interface CalendarTokenParams {
  token: string;
}

const calendarTokenParams = Joi.object<CalendarTokenParams, true>({
  token: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{43}$/)
    .required()
    .messages({ 'string.pattern.base': '{{#label}} is not a calendar token' }),
});

export function registerCalendarFeedRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/me/calendar-feed',
      summary:
        'Create (or replace) your private calendar feed URL; shown once, and any earlier URL stops working',
      tags,
      permission: 'calendar-feed:write',
      body: Joi.object<NoFields, true>({}), // the token is always generated, never chosen
      responses: {
        201: {
          description: 'The secret feed URL (iCalendar), and the token in it',
          schema: Joi.object({ url: Joi.string(), token: Joi.string(), createdAt: Joi.string() }),
        },
      },
    },
    async (call, _req, res) => {
      res.status(201).json(await rotateCalendarFeed(ctx, call.actor, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/me/calendar-feed',
      summary: 'Whether you have a calendar feed, and since when (the URL itself is never shown again)',
      tags,
      permission: 'calendar-feed:write',
      responses: {
        200: {
          description: 'The feed',
          schema: Joi.object({ active: Joi.boolean(), createdAt: Joi.string().allow(null) }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await calendarFeedOf(ctx, call.actor));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'delete',
      path: '/v1/me/calendar-feed',
      summary: 'Revoke your calendar feed: its URL answers 404 from now on',
      tags,
      permission: 'calendar-feed:write',
      body: Joi.object<NoFields, true>({}),
      responses: { 204: { description: 'Revoked (also when there was none)' } },
    },
    async (call, _req, res) => {
      await revokeCalendarFeed(ctx, call.actor, call.requestId);
      res.status(204).end();
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/calendar/:token.ics',
      summary:
        'A private calendar feed (iCalendar): the hearings in its owner’s reach, as claim reference and forum only. The token is the credential; unknown or revoked: 404',
      tags,
      permission: null,
      params: calendarTokenParams,
      responses: { 200: { description: 'text/calendar' } },
    },
    async (call, _req, res) => {
      const body = await renderCalendarFeed(ctx, call.params.token, call.requestId);
      res.set('Cache-Control', 'no-store').type('text/calendar; charset=utf-8').send(body);
    },
  );
}
