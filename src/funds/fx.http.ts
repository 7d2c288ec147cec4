import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { isoDate, type IdParams } from '../lib/schemas';
import { sendIdempotent } from '../lib/idempotency';
import { currencyCode, money } from '../lib/money';
import { defineRoute } from '../lib/route';
import { updateFundCurrencies, type CurrenciesBody } from './fund-currencies.service';
import { fxPositions, settleFx, type SettlementBody } from './fx.service';

const TAGS = ['Funds'];
const params = Joi.object<IdParams, true>({ id: Joi.string().guid().required() });
const sum = () =>
  Joi.object<SettlementBody['sold'], true>({
    currency: currencyCode().required(),
    amount: money().positive().max(40).currency(Joi.ref('currency')).required(),
  });

const settlementBody = Joi.object<SettlementBody, true>({
  sold: sum().required().description('What the bank took from the fund, in the currency it holds for others'),
  bought: sum()
    .required()
    .description('What the bank paid into the fund, in the currency whose bank is owed (not the sold one)'),
  rate: Joi.string()
    .pattern(/^\d{1,12}(\.\d{1,12})?$/)
    .required()
    .description('Units of the bought currency for one unit of the sold currency, as on the bank advice'),
  fees: sum().description(
    'Charged by the bank, in the sold or the bought currency; part of what the conversion cost',
  ),
  bankReference: Joi.string().trim().min(1).max(200).required(),
  settledOn: isoDate().required(),
});

const currenciesBody = Joi.object<CurrenciesBody, true>({
  currencies: Joi.array()
    .items(currencyCode())
    .unique()
    .min(1)
    .max(20)
    .required()
    .description('Every currency the fund holds afterwards: those it holds (never removed) and those to add'),
});

export function registerFxRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'patch',
      path: '/v1/funds/:id',
      summary: 'Add currencies to a fund (each gets the full account plan); none is ever removed',
      tags: TAGS,
      permission: 'funds:write',
      params,
      body: currenciesBody,
      responses: { 200: { description: 'The fund' }, 409: { description: 'A held currency was left out' } },
    },
    async (call, _req, res) => {
      res.json(await updateFundCurrencies(ctx, call, call.params.id, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/funds/:id/fx-settlements',
      summary:
        'Record a conversion the bank made to cover an FX position (sold, bought, rate, fees, bank reference); covering it all closes the position and realizes the FX cost or gain',
      tags: TAGS,
      permission: 'funds:write',
      idempotent: true,
      params,
      body: settlementBody,
      responses: {
        201: { description: '{id, entryId, sold, bought, rate, fees, closed, realized, position}' },
        409: { description: 'No open position to cover, or more bought than it needs' },
      },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await settleFx(ctx, call, call.params.id, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id/fx-positions',
      summary:
        'Open FX positions: per pair, what one bank paid out for the other currency and awaits conversion, and since when',
      tags: TAGS,
      permission: 'funds:read',
      params,
      responses: {
        200: {
          description: '{fundId, asOf, items: [{currencies, clearing, toBuy, heldFor, openSince, daysOpen}]}',
        },
      },
    },
    async (call, _req, res) => {
      res.json(await fxPositions(ctx.db, call.actor, call.params.id));
    },
  );
}
