import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { sendIdempotent } from '../lib/idempotency';
import { defineRoute } from '../lib/route';
import type { IdParams, ReasonBody } from '../lib/schemas';
import {
  approveEntryProposal,
  getEntryProposal,
  listEntryProposals,
  rejectEntryProposal,
  type ProposalListQuery,
} from './entry-proposals.service';

const TAGS = ['Ledger'];
const idParams = Joi.object<IdParams, true>({ id: Joi.string().guid().required() });

const postingSchema = Joi.object({
  accountId: Joi.string(),
  side: Joi.string().valid('debit', 'credit'),
  amount: Joi.string().description('Decimal string in the account’s currency'),
  currency: Joi.string(),
});

export const proposalSchema = Joi.object({
  id: Joi.string().guid(),
  status: Joi.string().valid('proposed', 'posted', 'rejected'),
  description: Joi.string(),
  effectiveOn: Joi.string().allow(null),
  postings: Joi.array().items(postingSchema),
  proposedBy: Joi.string().guid(),
  proposedAt: Joi.string(),
  resolvedBy: Joi.string().guid().allow(null).description('Who approved (posted) or rejected it'),
  resolvedAt: Joi.string().allow(null),
  reason: Joi.string().allow(null).description('Why it was rejected'),
  entryId: Joi.string().allow(null).description('The posted entry, once approved'),
  reversesEntryId: Joi.string()
    .allow(null)
    .description('Set when the proposal reverses that entry; `description` is then the reason'),
}).description('A manual entry on fund money, waiting for a second fund administrator');

/** Maker-checker for manual entries on a fund's pots or bank (see entry-proposals.ts). */
export function registerEntryProposalRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/entry-proposals',
      summary: 'Proposed manual entries on fund money, newest first',
      tags: TAGS,
      permission: 'ledger:read',
      query: Joi.object<ProposalListQuery, true>({
        status: Joi.string().valid('proposed', 'posted', 'rejected'),
        limit: Joi.number().integer().min(1).max(500).default(50),
      }),
      responses: {
        200: { description: '{items}', schema: Joi.object({ items: Joi.array().items(proposalSchema) }) },
      },
    },
    async (call, _req, res) => {
      res.json(await listEntryProposals(ctx.db, call.actor, call.query));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/entry-proposals/:id',
      summary: 'One proposed manual entry',
      tags: TAGS,
      permission: 'ledger:read',
      params: idParams,
      responses: { 200: { description: 'The proposal', schema: proposalSchema } },
    },
    async (call, _req, res) => {
      res.json(await getEntryProposal(ctx.db, call.actor, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/ledger/entry-proposals/:id/approve',
      summary:
        'Approve a proposed manual entry and post it: never by its proposer (403), another fund administrator',
      tags: TAGS,
      permission: 'ledger:write',
      idempotent: true,
      params: idParams,
      responses: { 200: { description: 'The proposal, now posted, with `entry`: the posted entry' } },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await approveEntryProposal(ctx, call, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/ledger/entry-proposals/:id/reject',
      summary: 'Reject a proposed manual entry (or withdraw one’s own); nothing is posted',
      tags: TAGS,
      permission: 'ledger:write',
      params: idParams,
      body: Joi.object<ReasonBody, true>({ reason: Joi.string().trim().min(1).max(400).required() }),
      responses: { 200: { description: 'The proposal, rejected', schema: proposalSchema } },
    },
    async (call, _req, res) => {
      res.json(await rejectEntryProposal(ctx, call, call.params.id, call.body.reason));
    },
  );
}
