import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { sendIdempotent } from '../lib/idempotency';
import { defineRoute } from '../lib/route';
import { listClaims } from './claims.list';
import { CLAIM_CSV_COLUMNS } from './claims.csv';
import { sendList } from '../lib/csv';
import {
  claimIdParams,
  claimResponse,
  createClaimBody,
  listQuery,
  paymentBody,
  paymentListQuery,
  paymentParams,
  paymentView,
  paymentWithClaim,
  policyBody,
  transitionBody,
  transitionQuery,
  voidPaymentBody,
} from './claims.schemas';
import { createClaim, getClaim } from './claims.service';
import { claimPatchBody, patchClaim } from './claim-changes';
import { getPolicy, putPolicy } from './policy.service';
import { recordPaymentReceived } from './payments.service';
import { listPaymentsReceived, voidPaymentReceived } from './payment-voids.service';
import { transitionClaim } from './transitions.service';
import { registerWageRoutes } from './wages.http';

const tags = ['Claims'];

export function registerClaimRoutes(ctx: AppContext, router: Router): void {
  registerWageRoutes(ctx, router);

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/claims',
      summary: 'File a claim on one of the four routes',
      tags,
      permission: 'claims:write',
      body: createClaimBody,
      responses: {
        201: { description: 'The claim, with history, deadlines and `warnings`', schema: claimResponse },
      },
    },
    async (call, _req, res) => {
      const { claim, warnings } = await createClaim(ctx, call.actor, call.body, call.requestId);
      res.status(201).json({ ...claim, warnings });
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/claims',
      summary:
        'List claims in reach, newest first (filters: route, status, victim, assignee, fund, deadline within N days; search: case number, court). A search by case number or court is audited.',
      tags,
      permission: 'claims:read',
      query: listQuery,
      responses: {
        200: {
          description:
            'A page of claims; with ?format=csv or Accept: text/csv, every claim under the filters as CSV',
          schema: Joi.object({
            items: Joi.array().items(claimResponse),
            nextCursor: Joi.string().allow(null),
          }),
        },
      },
    },
    async (call, req, res) => {
      await sendList(req, res, call.query, { filename: 'claims.csv', columns: CLAIM_CSV_COLUMNS }, (page) =>
        listClaims(ctx, call.actor, {
          ...call.query,
          cursor: page.cursor,
          limit: page.limit ?? call.query.limit,
        }),
      );
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/claims/:id',
      summary: 'Read a claim with its history and deadlines',
      tags,
      permission: 'claims:read',
      params: claimIdParams,
      responses: { 200: { description: 'The claim', schema: claimResponse } },
    },
    async (call, _req, res) => {
      res.json(await getClaim(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'patch',
      path: '/v1/claims/:id',
      summary:
        'Correct case number, forum, respondent, assignee or notes (legal aid of the claim’s office); `reason` is required and each change is kept in `changes`',
      tags,
      permission: 'claims:write',
      params: claimIdParams,
      body: claimPatchBody,
      responses: {
        200: {
          description: 'The claim, with `notes` and `changes` [{field, from, to, reason, by, at}]',
          schema: claimResponse,
        },
      },
    },
    async (call, _req, res) => {
      res.json(await patchClaim(ctx, call.actor, call.params.id, call.body, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/claims/:id/transitions',
      summary: "Move a claim along its route's state machine (409 names the allowed moves)",
      tags,
      permission: 'claims:write',
      params: claimIdParams,
      query: transitionQuery,
      body: transitionBody,
      responses: {
        200: {
          description:
            'The claim after the move; a State-fund claim also has drawsFrom/returnedTo: [{pot, amount}] (what its commitment moved); with ?preview=true the same plus preview: true, and nothing changes',
          schema: claimResponse,
        },
      },
    },
    async (call, _req, res) => {
      res.json(
        await transitionClaim(ctx, call.actor, call.params.id, call.body, call.requestId, call.query.preview),
      );
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/claims/:id/payments-received',
      summary:
        'Record money that reached the victim or the fund for one head of loss (before an award: up to the amount claimed)',
      tags,
      permission: 'claims:write',
      idempotent: true,
      params: claimIdParams,
      body: paymentBody,
      responses: {
        201: { description: 'The payment and the claim after it', schema: paymentWithClaim },
      },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await recordPaymentReceived(ctx, call));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/claims/:id/payments-received',
      summary: "A claim's payment records, oldest first, voided ones included with their reason",
      tags,
      permission: 'claims:read',
      params: claimIdParams,
      query: paymentListQuery,
      responses: {
        200: {
          description: 'A page of payment records',
          schema: Joi.object({ items: Joi.array().items(paymentView), nextCursor: Joi.string().allow(null) }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await listPaymentsReceived(ctx, call.actor, call.params.id, call.query, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/claims/:id/payments-received/:paymentId/void',
      summary:
        'Void a payment record entered by mistake, with a reason: it drops out of every figure and any fund receipt it posted is reversed (a second void: 409 already-reversed)',
      tags,
      permission: 'claims:write',
      idempotent: true,
      params: paymentParams,
      body: voidPaymentBody,
      responses: {
        200: { description: 'The voided record and the claim after it', schema: paymentWithClaim },
      },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await voidPaymentReceived(ctx, call));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id/subrogation-policy',
      summary: 'Whether the victim or the fund is made whole first when a perpetrator pays after the fund',
      tags,
      permission: 'funds:read',
      params: claimIdParams,
      responses: {
        200: {
          description: 'The policy',
          schema: Joi.object({ fundId: Joi.string(), policy: Joi.string() }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await getPolicy(ctx, call.actor, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'put',
      path: '/v1/funds/:id/subrogation-policy',
      summary: 'Set the fund’s subrogation policy (victim_first by default)',
      tags,
      permission: 'funds:write',
      params: claimIdParams,
      body: policyBody,
      responses: {
        200: {
          description: 'The policy',
          schema: Joi.object({ fundId: Joi.string(), policy: Joi.string() }),
        },
      },
    },
    async (call, _req, res) => {
      res.json(await putPolicy(ctx, call.actor, call.params.id, call.body.policy, call.requestId));
    },
  );
}
