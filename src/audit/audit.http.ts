import type { RequestHandler, Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import { AUDIT_OUTCOMES } from './audit';
import { throttledRunner } from '../lib/throttle';
import { listAuditEvents, scheduleAuditSeal, verifyAuditTrail, type AuditListQuery } from './audit.service';
import { AUDIT_CSV_COLUMNS } from './audit.csv';
import { listFormat, sendList } from '../lib/csv';
import { isoDate } from '../lib/schemas';
import { inDbLane } from '../lib/db-lanes';

/** GET /v1/audit/verify takes no parameters. */
export type VerifyQuery = Record<string, never>;

const listQuery = Joi.object<AuditListQuery, true>({
  limit: Joi.number().integer().min(1).max(500).default(50),
  cursor: Joi.string()
    .max(100)
    .pattern(/^[A-Za-z0-9_-]+$/),
  action: Joi.string().max(100),
  resourceType: Joi.string().max(100).description('The record: its type (with resourceId, one record)'),
  resourceId: Joi.string().max(200),
  actorId: Joi.string().guid().description('Who acted (a user id)'),
  from: isoDate().description('First day of the period (UTC), included'),
  to: isoDate().description('Last day of the period (UTC), included'),
  format: listFormat,
});

const eventSchema = Joi.object({
  id: Joi.string().description('Sequential id (int8 as a string)'),
  occurredAt: Joi.string().description('RFC 3339, UTC, microseconds'),
  actorId: Joi.string().allow(null),
  actorRole: Joi.string().allow(null),
  action: Joi.string().description("verb.noun, e.g. 'victim.read'"),
  resourceType: Joi.string(),
  resourceId: Joi.string().allow(null),
  requestId: Joi.string().allow(null),
  outcome: Joi.string().valid(...AUDIT_OUTCOMES),
  details: Joi.object().unknown(true).description('Ids and field names only, never identifying data'),
});

const pageSchema = Joi.object({
  items: Joi.array().items(eventSchema),
  nextCursor: Joi.string().allow(null),
});

const verificationSchema = Joi.object({
  ok: Joi.boolean(),
  eventsChecked: Joi.number().integer(),
  firstBrokenEvent: Joi.string().allow(null).description('Id of the first event that fails the check'),
  chainLegacyEnds: Joi.string()
    .allow(null)
    .description('Seq of the last event sealed unkeyed, before CHAIN_KEYS existed; keyed links follow it'),
});

export function registerAuditRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/audit/events',
      summary:
        'List audit events, newest first; filters: action, record (resourceType, resourceId), actor, period (from, to); CSV with ?format=csv',
      tags: ['audit'],
      permission: 'audit:read',
      query: listQuery,
      responses: { 200: { description: 'A page of audit events', schema: pageSchema } },
    },
    async (call, req, res) => {
      const query = call.query;
      const csv = { filename: 'audit-events.csv', columns: AUDIT_CSV_COLUMNS };
      await sendList(req, res, query, csv, (page) =>
        listAuditEvents(ctx, call.actor, call.requestId, {
          ...query,
          cursor: page.cursor,
          limit: page.limit ?? query.limit,
        }),
      );
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/audit/verify',
      summary: 'Seal pending audit events, then recompute the whole hash chain',
      tags: ['audit'],
      permission: 'audit:read',
      query: Joi.object<VerifyQuery, true>({}),
      responses: { 200: { description: 'The result of the check', schema: verificationSchema } },
    },
    async (call, _req, res) => {
      res.json(await verifyAuditTrail(ctx, call.actor, call.requestId));
    },
  );
}

/** Under load, one seal per this interval serves every response in between. */
const AUDIT_SEAL_INTERVAL_MS = 200;

/**
 * Seals audit events soon after the request that wrote them has committed (its response is
 * sent only after commit). Throttled: each seal is a transaction with an advisory lock, so under
 * load one seal per AUDIT_SEAL_INTERVAL_MS serves every response in between; an idle kick seals
 * at once. Mount once, before the routes: `app.use('/v1', sealAuditAfterResponse(ctx))`.
 */
export function sealAuditAfterResponse(ctx: Pick<AppContext, 'db' | 'logger'>): RequestHandler {
  const kick = throttledRunner(() => scheduleAuditSeal(ctx.db, ctx.logger), AUDIT_SEAL_INTERVAL_MS);
  return (_req, res, next) => {
    // Sealing writes: after a GET it must not run in (and hold) the connections kept for reads.
    res.on('finish', () => inDbLane('write', kick));
    next();
  };
}
