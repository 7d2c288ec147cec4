import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import { victimIdParams } from '../victims/victims.schemas';
import { issueCodeBody } from './access-codes.schemas';
import { accessCodeSummary, issueAccessCode } from './access-codes.service';

const tags = ['Victim status'];

export function registerAccessCodeRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/victims/:id/access-code',
      summary:
        "Issue the victim's status access code (shown once; replaces and revokes the previous one) with a printable card",
      tags,
      permission: 'victims:write',
      params: victimIdParams,
      body: issueCodeBody,
      responses: {
        201: {
          description: 'The code, shown this once, and the card in the victim’s language',
          schema: Joi.object({ reference: Joi.string(), accessCode: Joi.string(), cardHtml: Joi.string() }),
        },
      },
    },
    async (call, _req, res) => {
      res.status(201).json(await issueAccessCode(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/victims/:id/access-code',
      summary:
        'When the access code was issued, failed checks since then, and which addresses are locked out (never the code)',
      tags,
      permission: 'victims:write',
      params: victimIdParams,
      responses: {
        200: {
          description: 'The code’s state',
          schema: Joi.object({
            issuedAt: Joi.string().isoDate().allow(null),
            failedAttempts: Joi.number().integer().description('Failed checks since the code was issued'),
            lastFailedAttemptAt: Joi.string().isoDate().allow(null),
            lockedAddresses: Joi.number()
              .integer()
              .description('Client addresses locked out of this reference now (locks are per address)'),
            lockedUntil: Joi.string().isoDate().allow(null).description('When the last of those locks ends'),
          }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await accessCodeSummary(ctx, call.actor, call.params.id));
    },
  );
}
