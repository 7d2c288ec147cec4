import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import {
  countryCode,
  isoDate,
  isoMoment,
  pageQuery,
  programmeCode,
  type IdParams,
  type PageQuery,
} from '../lib/schemas';
import { sendIdempotent } from '../lib/idempotency';
import { currencyCode, money } from '../lib/money';
import { defineRoute } from '../lib/route';
import { BUILT_IN_POTS, POT_CODE, PURPOSES, RECEIPT_SOURCES, type Restriction } from './funds';
import { fundBalances, fundStatement, type BalancesQuery, type StatementQuery } from './funds-reports';
import {
  createFund,
  fundInReach,
  fundView,
  listFunds,
  transferBetweenPots,
  type CreateFundBody,
  type TransferBody,
} from './funds.service';
import { registerFxRoutes } from './fx.http';
import { registerReceiptListRoutes } from './receipts.http';
import { recordReceipt, type ReceiptBody } from './receipts.service';
import type { Beneficiaries } from './restrictions';

const TAGS = ['Funds'];
const params = Joi.object<IdParams, true>({ id: Joi.string().guid().required() });
const potCode = () =>
  Joi.string()
    .pattern(POT_CODE)
    .messages({ 'string.pattern.base': '{{#label}} must be a pot code (lower case letters, digits, _)' });
const amountFields = {
  amount: money().positive().max(40).currency(Joi.ref('currency')).required(),
  currency: currencyCode().required(),
};

// Who a restricted pot may pay, besides what for; every criterion named must hold.
const beneficiaries = Joi.object<Beneficiaries, true>({
  children: Joi.boolean().valid(true).description('Only victims who are children (isChild)'),
  nationalities: Joi.array()
    .items(countryCode())
    .unique()
    .min(1)
    .max(50)
    .description("Only victims of one of these nationalities (the victim's `nationality`)"),
  programmes: Joi.array()
    .items(programmeCode())
    .unique()
    .min(1)
    .max(50)
    .description("Only victims enrolled in one of these programmes (the victim's `programmes`)"),
})
  .min(1)
  .description('Who may benefit; absent: any victim the purposes allow');

const createBody = Joi.object<CreateFundBody, true>({
  name: Joi.string().trim().min(1).max(200).required(),
  currency: currencyCode().required().description('Main (reporting) currency; always held'),
  currencies: Joi.array()
    .items(currencyCode())
    .unique()
    .max(20)
    .description('Further currencies the fund holds'),
  restrictions: Joi.array()
    .items(
      Joi.object<Restriction, true>({
        code: potCode()
          .invalid(...BUILT_IN_POTS)
          .required(),
        name: Joi.string().trim().min(1).max(200).required(),
        purposes: Joi.array()
          .items(Joi.string().valid(...PURPOSES))
          .unique()
          .min(1)
          .required(),
        beneficiaries: beneficiaries,
      }),
    )
    .unique('code')
    .max(50),
});

const receiptBody = Joi.object<ReceiptBody, true>({
  source: Joi.string()
    .valid(...RECEIPT_SOURCES)
    .required(),
  ...amountFields,
  pot: potCode().description(
    'Defaults to unrestricted; a donor-restricted donation names its restriction pot',
  ),
  receivedOn: isoDate().required(),
  reference: Joi.string().trim().min(1).max(200),
  donor: Joi.string().trim().min(1).max(200),
});

const transferBody = Joi.object<TransferBody, true>({
  from: potCode().required(),
  to: potCode().required(),
  ...amountFields,
  reason: Joi.string().trim().min(1).max(400).required(),
});

export function registerFundRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/funds',
      summary: 'Create a fund with its pots and accounts (per currency held)',
      tags: TAGS,
      permission: 'funds:write',
      body: createBody,
      responses: { 201: { description: '{id, name, currency, currencies, pots}' } },
    },
    async (call, _req, res) => {
      res.status(201).json(await createFund(ctx, call, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds',
      summary:
        "Funds in reach: a fund administrator's agency's funds, every fund for auditors; for legal aid, every fund they may apply to as {id, name, agencyName, currency, currencies} (no pots, no balances)",
      tags: TAGS,
      permission: 'funds:list',
      query: Joi.object<PageQuery, true>(pageQuery),
      responses: { 200: { description: '{items, nextCursor}' } },
    },
    async (call, _req, res) => {
      res.json(await listFunds(ctx.db, call.actor, call.query));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id',
      summary: 'One fund',
      tags: TAGS,
      permission: 'funds:read',
      params,
      responses: { 200: { description: 'The fund' } },
    },
    async (call, _req, res) => {
      res.json(fundView(await fundInReach(ctx.db, ctx.db, call.actor, call.params.id, false)));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/funds/:id/receipts',
      summary: 'Record money received, by source, into a pot',
      tags: TAGS,
      permission: 'funds:write',
      idempotent: true,
      params,
      body: receiptBody,
      responses: { 201: { description: '{id, entryId, ...}' } },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await recordReceipt(ctx, call, call.params.id, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/funds/:id/pot-transfers',
      summary: 'Move money between pots (e.g. release reserved into unrestricted), with a reason',
      tags: TAGS,
      permission: 'funds:write',
      idempotent: true,
      params,
      body: transferBody,
      responses: { 201: { description: 'The transfer with its entryId' } },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await transferBetweenPots(ctx, call, call.params.id, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id/balances',
      summary: 'Pot balances (posted, pending, available) in one currency, now or as of a moment',
      tags: TAGS,
      permission: 'funds:read',
      params,
      query: Joi.object<BalancesQuery, true>({
        asOf: isoMoment(),
        currency: currencyCode().description('Defaults to the fund currency'),
      }),
      responses: { 200: { description: '{fundId, currency, asOf, total, pots}' } },
    },
    async (call, _req, res) => {
      res.json(await fundBalances(ctx.db, call.actor, call.params.id, call.query));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id/statement',
      summary:
        'Statement for a period (dates inclusive, UTC): opening + receipts − disbursements + adjustments = closing',
      tags: TAGS,
      permission: 'funds:read',
      params,
      query: Joi.object<StatementQuery, true>({
        from: isoDate().required(),
        to: isoDate().required(),
        currency: currencyCode(),
      }),
      responses: {
        200: { description: '{opening, receiptsBySource, disbursementsByPurpose, adjustments, closing}' },
      },
    },
    async (call, _req, res) => {
      res.json(await fundStatement(ctx.db, call.actor, call.params.id, call.query));
    },
  );

  registerFxRoutes(ctx, router);
  registerReceiptListRoutes(ctx, router);
}
