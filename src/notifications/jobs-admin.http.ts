import Joi from 'joi';
import type { Router } from 'express';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import { listFailedJobs, retryFailedJob } from './jobs-admin.service';
import { registerQueueMetrics } from './queue-health';
import { scanDeadlinesNow } from './deadline-scan';

/** POST /v1/admin/deadline-scan takes no fields. */
export type DeadlineScanBody = Record<string, never>;
const deadlineScanBody = Joi.object<DeadlineScanBody, true>({});

/** GET /v1/admin/jobs/failed's query. */
export interface FailedJobsQuery {
  limit: number;
}

/** A queue job's id, as Bull names it. */
export interface JobParams {
  id: string;
}

const tags = ['Jobs'];

const failedJob = Joi.object({
  id: Joi.string(),
  queue: Joi.string(),
  job: Joi.string(),
  outboxId: Joi.string().allow(null),
  topic: Joi.string().allow(null),
  payload: Joi.any(),
  attemptsMade: Joi.number().integer(),
  failedReason: Joi.string().allow(''),
  failedAt: Joi.string().allow(null),
  alert: Joi.object({
    reason: Joi.string(),
    errorCategory: Joi.string().allow(null),
    alertedAt: Joi.string(),
  }).allow(null),
});

const deliveryAlert = Joi.object({
  outboxId: Joi.string(),
  topic: Joi.string(),
  reason: Joi.string().valid('attempts_exhausted', 'undelivered_too_long'),
  errorCategory: Joi.string().allow(null),
  alertedAt: Joi.string(),
});

export function registerNotificationRoutes(ctx: AppContext, router: Router): void {
  registerQueueMetrics(ctx);

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/admin/jobs/failed',
      summary: 'Jobs that ran out of attempts or failed for good, newest first (ids only, no content)',
      tags,
      permission: 'jobs:admin',
      query: Joi.object<FailedJobsQuery, true>({
        limit: Joi.number().integer().min(1).max(500).default(100),
      }),
      responses: {
        200: {
          description:
            'Failed jobs (flagged when admins were alerted), and alerted messages still undelivered',
          schema: Joi.object({
            items: Joi.array().items(failedJob),
            alerts: Joi.array().items(deliveryAlert),
          }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await listFailedJobs(ctx, call.query.limit));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/admin/jobs/:id/retry',
      summary: 'Run a failed job once more (a message already delivered is not sent again)',
      tags,
      permission: 'jobs:admin',
      params: Joi.object<JobParams, true>({
        id: Joi.string()
          .pattern(/^[A-Za-z0-9:._-]{1,200}$/)
          .required(),
      }),
      responses: {
        202: {
          description: 'The job is queued again',
          schema: Joi.object({ id: Joi.string(), status: Joi.string().valid('retrying') }),
        },
      },
    },
    async (call, _req, res) => {
      res.status(202).json(await retryFailedJob(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/admin/deadline-scan',
      summary:
        'Run the daily deadline scan now (the same job the schedule runs): reminders already queued for a deadline are never queued again',
      tags,
      permission: 'jobs:admin',
      body: deadlineScanBody,
      responses: {
        200: {
          description: "What this run queued (0 and 0 when the day's scan already ran)",
          schema: Joi.object({
            deadlineReminders: Joi.number().integer(),
            otherReminders: Joi.number().integer(),
            detail: Joi.string(),
          }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await scanDeadlinesNow(ctx, { actor: call.actor, requestId: call.requestId, via: 'http' }));
    },
  );
}
