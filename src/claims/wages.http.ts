import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import { todayUtc } from '../lib/dates';
import { calculateWages, type WageInput } from './wages';
import { crossCheck, wageBody } from './wages.schemas';

export function registerWageRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/claims/calculate-wages',
      summary:
        'Unpaid wages and statutory interest from periods worked, wage, overtime, payments received (net) and unlawful fees; nothing is stored',
      tags: ['Claims'],
      permission: 'claims:read',
      body: wageBody,
      responses: {
        200: {
          description: 'The calculation, with `heads` ready for a labour claim',
          schema: Joi.object().unknown(true),
        },
      },
    },
    async (call, _req, res) => {
      const input: WageInput = { ...call.body, calculateOn: call.body.calculateOn ?? todayUtc() };
      crossCheck(input);
      res.json(calculateWages(input));
    },
  );
}
