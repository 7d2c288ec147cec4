import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import { approvalsOf, caseloadOf } from './caseload';
import { reassignCaseload, reassignmentBody } from './reassign';

const tags = ['Caseload'];

export function registerCaseloadRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/me/caseload',
      summary:
        'Legal aid: my victims, my open claims (overdue first, then by next deadline or hearing) and what waits on me (audited)',
      tags,
      permission: 'caseload:read',
      responses: {
        200: {
          description: 'victims [{id, reference, fullName, openClaims}], claims, waitingOnMe',
          schema: Joi.object({
            victims: Joi.array().items(Joi.object().unknown(true)),
            claims: Joi.array().items(
              Joi.object({
                id: Joi.string(),
                reference: Joi.string(),
                victimId: Joi.string(),
                route: Joi.string(),
                status: Joi.string(),
                nextDeadline: Joi.object({ kind: Joi.string(), dueOn: Joi.string() }).allow(null),
                nextHearingOn: Joi.string().allow(null),
                overdue: Joi.boolean(),
              }),
            ),
            waitingOnMe: Joi.array().items(
              Joi.object({
                claimId: Joi.string(),
                reference: Joi.string(),
                why: Joi.string().valid('info_requested', 'deadline_due'),
                dueOn: Joi.string().allow(null),
              }),
            ),
          }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await caseloadOf(ctx, call.actor, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/me/approvals',
      summary:
        'Fund administrators: State-fund applications by stage, decisions due, and disbursements waiting for my approval',
      tags,
      permission: 'caseload:read',
      responses: {
        200: {
          description: 'applicationsByStage {status: count}, decisionsDue, approvalsWaiting',
          schema: Joi.object({
            applicationsByStage: Joi.object().pattern(Joi.string(), Joi.number()),
            decisionsDue: Joi.array().items(Joi.object().unknown(true)),
            approvalsWaiting: Joi.array().items(Joi.object().unknown(true)),
          }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await approvalsOf(ctx, call.actor));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/admin/reassignments',
      summary:
        'Move a departing worker’s victims and claims to a colleague of the same office (audited; sent again it moves nothing)',
      tags,
      permission: 'caseload:admin',
      body: reassignmentBody,
      responses: {
        200: {
          description: 'How many moved',
          schema: Joi.object({ victimsMoved: Joi.number(), claimsMoved: Joi.number() }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await reassignCaseload(ctx, call.actor, call.body, call.requestId));
    },
  );
}
