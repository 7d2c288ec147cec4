import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../../context';
import { fieldColumns, sendList, type CsvColumn } from '../../lib/csv';
import { defineRoute, type RouteSpec } from '../../lib/route';
import type { HearingView } from './hearings';
import { claimIdParams } from '../claims.schemas';
import { getHearing, listClaimHearings, listHearings } from './hearings.reads';
import {
  adjournHearingBody,
  cancelHearingBody,
  hearingIdParams,
  type HearingIdParams,
  hearingListQuery,
  hearingOutcomeBody,
  hearingPage,
  hearingResponse,
  rescheduleHearingBody,
  scheduleHearingBody,
} from './hearings.schemas';
import {
  adjournHearing,
  cancelHearing,
  recordHearingOutcome,
  rescheduleHearing,
  scheduleHearing,
} from './hearings.service';
import { registerCalendarFeedRoutes } from './calendar-feed.http';

const tags = ['Hearings'];

const stepSpec = <B>(
  path: string,
  summary: string,
  body: Joi.ObjectSchema<B>,
): RouteSpec<B, unknown, HearingIdParams> => ({
  method: 'post',
  path: `/v1/hearings/:id/${path}`,
  summary,
  tags,
  permission: 'hearings:write',
  params: hearingIdParams,
  body,
  responses: { 200: { description: 'The hearing with its history', schema: hearingResponse } },
});

/** The calendar as CSV: what the JSON list shows, without the history. */
const HEARING_CSV_COLUMNS: Array<CsvColumn<HearingView>> = fieldColumns<HearingView>(
  'id',
  'claimId',
  'claimReference',
  'kind',
  'date',
  'time',
  'timeZone',
  'startsAt',
  'forum',
  'room',
  'status',
  'outcome',
  'outcomeNotes',
  'adjournedTo',
  'adjournedFrom',
);

export function registerHearingRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/claims/:id/hearings',
      summary: 'Schedule a hearing of a claim (the claim’s stage does not change)',
      tags,
      permission: 'hearings:write',
      params: claimIdParams,
      body: scheduleHearingBody,
      responses: { 201: { description: 'The hearing with its history', schema: hearingResponse } },
    },
    async (call, _req, res) => {
      res.status(201).json(await scheduleHearing(ctx, call.actor, call.params.id, call.body, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/claims/:id/hearings',
      summary: 'Every hearing of a claim, by date, whatever became of it',
      tags,
      permission: 'hearings:read',
      params: claimIdParams,
      responses: {
        200: {
          description: 'The hearings',
          schema: Joi.object({ items: Joi.array().items(hearingResponse), nextCursor: Joi.valid(null) }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await listClaimHearings(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/hearings',
      summary:
        'The court calendar: hearings of the claims in your reach dated from `from` to `to` (CSV with ?format=csv)',
      tags,
      permission: 'hearings:read',
      query: hearingListQuery,
      responses: { 200: { description: 'A page of hearings, by date and time', schema: hearingPage } },
    },
    async (call, req, res) => {
      const query = call.query;
      const csv = { filename: 'hearings.csv', columns: HEARING_CSV_COLUMNS };
      await sendList(req, res, query, csv, (page) =>
        listHearings(
          ctx,
          call.actor,
          { ...query, cursor: page.cursor, limit: page.limit ?? query.limit },
          call.requestId,
        ),
      );
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/hearings/:id',
      summary: 'A hearing with its history',
      tags,
      permission: 'hearings:read',
      params: hearingIdParams,
      responses: { 200: { description: 'The hearing', schema: hearingResponse } },
    },
    async (call, _req, res) => {
      res.json(await getHearing(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    stepSpec(
      'reschedule',
      'Give a scheduled hearing another day, time or room (same hearing)',
      rescheduleHearingBody,
    ),
    async (call, _req, res) => {
      res.json(await rescheduleHearing(ctx, call.actor, call.params.id, call.body, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      ...stepSpec(
        'adjourn',
        'The court put the hearing off: it is adjourned, and with `newDate` a new hearing is scheduled (linked both ways)',
        adjournHearingBody,
      ),
      responses: {
        200: {
          description: 'The adjourned hearing, and as `next` the new one (or null)',
          schema: hearingResponse.keys({ next: hearingResponse.allow(null) }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await adjournHearing(ctx, call.actor, call.params.id, call.body, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    stepSpec('cancel', 'Cancel a scheduled hearing, with the reason', cancelHearingBody),
    async (call, _req, res) => {
      res.json(await cancelHearing(ctx, call.actor, call.params.id, call.body, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    stepSpec(
      'outcome',
      'Record that a hearing was held and what came of it (from its day on); the claim moves only by its own transition',
      hearingOutcomeBody,
    ),
    async (call, _req, res) => {
      res.json(await recordHearingOutcome(ctx, call.actor, call.params.id, call.body, call.requestId));
    },
  );

  registerCalendarFeedRoutes(ctx, router);
}
