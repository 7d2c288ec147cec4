import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { sendIdempotent } from '../lib/idempotency';
import { bigintId, isoDate, isoMoment, pageQuery, type IdParams, type ReasonBody } from '../lib/schemas';
import { money } from '../lib/money';
import { defineRoute } from '../lib/route';
import { verifyLedger } from './ledger-chain';
import { exportJournal, type ExportQuery } from './ledger-export';
import { assertDateOrder, notBefore } from '../lib/date-order';
import {
  accountGet,
  accountsList,
  entriesList,
  entryGet,
  trialBalance,
  type AccountsQuery,
  type EntriesQuery,
  type TrialBalanceQuery,
} from './ledger-reads';
import { createManualEntry, reverseEntryCall, type ManualEntryBody } from './ledger.service';
import { proposalSchema, registerEntryProposalRoutes } from './entry-proposals.http';

const ledgerId = bigintId;

/** GET /v1/ledger/export's query. */
export interface LedgerExportQuery extends ExportQuery {
  format: 'ledger';
}

const TAGS = ['Ledger'];
const idParams = Joi.object<IdParams, true>({ id: ledgerId().required() });
const ok = (description: string) => ({ 200: { description } });

export function registerLedgerRoutes(ctx: AppContext, router: Router): void {
  registerEntryProposalRoutes(ctx, router);
  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/accounts',
      summary: 'Accounts with posted, pending and available balances',
      tags: TAGS,
      permission: 'ledger:read',
      query: Joi.object<AccountsQuery, true>({ fundId: Joi.string().guid(), ...pageQuery }),
      responses: ok('{items, nextCursor}'),
    },
    async (call, _req, res) => {
      res.json(await accountsList(ctx.db, call.actor, call.query));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/accounts/:id',
      summary: 'One account',
      tags: TAGS,
      permission: 'ledger:read',
      params: idParams,
      responses: ok('The account'),
    },
    async (call, _req, res) => {
      res.json(await accountGet(ctx.db, call.actor, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/entries',
      summary: 'Journal entries with their postings, newest first',
      tags: TAGS,
      permission: 'ledger:read',
      query: Joi.object<EntriesQuery, true>({
        accountId: ledgerId(),
        fundId: Joi.string().guid(),
        ...pageQuery,
      }),
      responses: ok('{items, nextCursor}'),
    },
    async (call, _req, res) => {
      res.json(await entriesList(ctx.db, call.actor, call.query));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/entries/:id',
      summary: 'One entry',
      tags: TAGS,
      permission: 'ledger:read',
      params: idParams,
      responses: ok('The entry'),
    },
    async (call, _req, res) => {
      res.json(await entryGet(ctx.db, call.actor, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/ledger/entries',
      summary:
        'Post a manual journal entry (must balance per currency; amounts in each account’s currency); one on a fund’s pots or bank becomes a proposal (202) for another fund administrator to approve',
      tags: TAGS,
      permission: 'ledger:write',
      idempotent: true,
      body: Joi.object<ManualEntryBody, true>({
        description: Joi.string().trim().min(1).max(500).required(),
        effectiveOn: isoDate(),
        postings: Joi.array()
          .items(
            Joi.object<ManualEntryBody['postings'][number], true>({
              accountId: ledgerId().required(),
              side: Joi.string().valid('debit', 'credit').required(),
              amount: money().positive().max(40).required(),
            }),
          )
          .min(2)
          .max(100)
          .required(),
      }),
      responses: {
        201: { description: 'The entry with its postings' },
        202: {
          description: 'The entry touches a fund’s pots or bank: a proposal, posted once another approves it',
          schema: proposalSchema,
        },
      },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await createManualEntry(ctx, call, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/ledger/entries/:id/reverse',
      summary:
        'Reverse an entry (once); returns the reversing entry, or for an entry on a fund’s pots or bank a proposal (202) for another fund administrator to approve',
      tags: TAGS,
      permission: 'ledger:write',
      idempotent: true,
      params: idParams,
      body: Joi.object<ReasonBody, true>({ reason: Joi.string().trim().min(1).max(400).required() }),
      responses: {
        201: { description: 'The reversing entry' },
        202: {
          description:
            'The reversal would raise a pot or bank balance (undoing a payout): a proposal, posted once another approves it',
          schema: proposalSchema,
        },
      },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await reverseEntryCall(ctx, call, call.params.id, call.body.reason));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/trial-balance',
      summary: 'Trial balance per currency, now or as of a moment',
      tags: TAGS,
      permission: 'ledger:read',
      query: Joi.object<TrialBalanceQuery, true>({ asOf: isoMoment(), fundId: Joi.string().guid() }),
      responses: ok('{asOf, currencies, accounts}'),
    },
    async (call, _req, res) => {
      res.json(await trialBalance(ctx.db, call.actor, call.query));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/export',
      summary:
        'The journal as plain text for ledger-cli / hledger (commodities and accounts declared; by fund and period)',
      tags: TAGS,
      permission: 'ledger:read',
      query: Joi.object<LedgerExportQuery, true>({
        format: Joi.string().valid('ledger').default('ledger'),
        fundId: Joi.string().guid().description('Only the entries of this fund'),
        from: isoDate().description(
          'First day of the period (effective date); earlier entries become one opening transaction',
        ),
        to: isoDate().description('Last day of the period, included'),
      }),
      responses: {
        200: { description: 'A ledger-cli journal', contentType: 'text/plain', schema: Joi.string() },
      },
    },
    async (call, _req, res) => {
      const { format: _format, ...query } = call.query;
      assertDateOrder([notBefore('to', query.to, 'the start of the period (from)', query.from)]);
      const journal = exportJournal(ctx.db, call.actor, query);
      const first = await journal.next(); // errors before the first byte still become problems
      res.type('text/plain; charset=utf-8');
      try {
        if (!first.done) res.write(first.value);
        for await (const chunk of journal) res.write(chunk);
        res.end();
      } catch (err) {
        res.destroy(err as Error); // mid-stream: a cut connection, never a truncated journal that looks whole
      }
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/ledger/verify',
      summary:
        'Recompute the keyed hash chain of every entry and every account balance; names the first broken entry and wrong balance',
      tags: TAGS,
      permission: 'ledger:read',
      responses: ok(
        '{ok, entriesChecked, firstBrokenEntry, unsealedEntries, chainLegacyEnds, balancesChecked, firstWrongBalance}',
      ),
    },
    async (_call, _req, res) => {
      res.json(await verifyLedger(ctx.db, undefined, ctx.logger));
    },
  );
}
