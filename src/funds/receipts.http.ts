import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { fieldColumns, listFormat, sendList, type CsvColumn } from '../lib/csv';
import { currencyCode } from '../lib/money';
import { defineRoute } from '../lib/route';
import { isoDate } from '../lib/schemas';
import { POT_CODE, RECEIPT_SOURCES } from './funds';
import { listReceipts, type ReceiptItem, type ReceiptListQuery } from './receipts.list';

export interface ReceiptListParams {
  id: string;
}

const params = Joi.object<ReceiptListParams, true>({ id: Joi.string().guid().required() });

const listQuery = Joi.object<ReceiptListQuery, true>({
  source: Joi.string().valid(...RECEIPT_SOURCES),
  pot: Joi.string()
    .pattern(POT_CODE)
    .messages({ 'string.pattern.base': '{{#label}} must be a pot code (lower case letters, digits, _)' }),
  currency: currencyCode(),
  from: isoDate().description('Received on or after this day'),
  to: isoDate().description('Received on or before this day'),
  limit: Joi.number().integer().min(1).max(500).default(50),
  cursor: Joi.string().max(200),
  format: listFormat,
});

const CSV_COLUMNS: Array<CsvColumn<ReceiptItem>> = [
  ...fieldColumns<ReceiptItem>(
    'id',
    'fundId',
    'entryId',
    'source',
    'pot',
    'amount',
    'currency',
    'receivedOn',
    'reference',
    'donor',
    'createdAt',
  ),
  { header: 'reversalEntryId', value: (r) => r.reversal?.entryId },
  { header: 'reversedOn', value: (r) => r.reversal?.effectiveOn },
  { header: 'reversal', value: (r) => r.reversal?.description },
];

export function registerReceiptListRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id/receipts',
      summary:
        'Money received by the fund, newest first by the day received (filters: source, pot, currency, period from/to); each with the entry that reversed it, if any',
      tags: ['Funds'],
      permission: 'funds:read',
      params,
      query: listQuery,
      responses: {
        200: {
          description:
            '{items: [{id, entryId, source, pot, amount, currency, receivedOn, reference, donor, reversal: {entryId, effectiveOn, description} | null}], nextCursor}; CSV with ?format=csv',
        },
        404: { description: 'No such fund in your reach' },
      },
    },
    async (call, req, res) => {
      const query = call.query;
      const csv = { filename: 'receipts.csv', columns: CSV_COLUMNS };
      await sendList(req, res, query, csv, (page) =>
        listReceipts(ctx.db, call.actor, call.params.id, {
          ...query,
          cursor: page.cursor,
          limit: page.limit ?? query.limit,
        }),
      );
    },
  );
}
