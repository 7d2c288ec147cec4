import type { Router } from 'express';
import type { AppContext } from '../context';
import { sendIdempotent } from '../lib/idempotency';
import { defineRoute } from '../lib/route';
import { getPolicy, putPolicy } from './disbursement-policy.service';
import {
  approveBody,
  idParams,
  listQuery,
  paidBody,
  policyBody,
  previewQuery,
  reasonBody,
  registerQuery,
  requestBody,
} from './disbursements.schemas';
import { requestDisbursement } from './disbursements.request';
import { approveDisbursement, closeUnpaid, markPaid } from './disbursements.service';
import { listDisbursements } from './disbursements.list';
import { DISBURSEMENT_CSV_COLUMNS } from './disbursements.csv';
import { sendList } from '../lib/csv';
import { getDisbursement } from './disbursements.views';
import { registerCsv, witnessAssistance } from './witness-register.service';

const TAGS = ['Disbursements'];
const one = (description: string) => ({
  200: { description },
  403: { description: 'By the requester (approve), or a role that may not' },
  404: { description: 'No such disbursement in your reach' },
  409: {
    description: 'Not in a state that allows this, or not enough money in a pot that allows the purpose',
  },
});

export function registerDisbursementRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/disbursements',
      summary: 'Request a disbursement to a victim (maker); payee details are stored encrypted',
      tags: TAGS,
      permission: 'disbursements:write',
      idempotent: true,
      body: requestBody,
      responses: { 201: { description: '{id, status: "requested", paymentReference, ...}' } },
    },
    async (call, _req, res) => {
      sendIdempotent(res, await requestDisbursement(ctx, call, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/disbursements',
      summary:
        'Disbursements of the funds in reach, newest first (e.g. ?status=requested: the approval queue)',
      tags: TAGS,
      permission: 'disbursements:read',
      query: listQuery,
      responses: {
        200: {
          description: '{items, nextCursor}; with ?format=csv or Accept: text/csv, the whole list as CSV',
        },
      },
    },
    async (call, req, res) => {
      const csv = { filename: 'disbursements.csv', columns: DISBURSEMENT_CSV_COLUMNS };
      await sendList(req, res, call.query, csv, (page) =>
        listDisbursements(ctx.db, call.actor, {
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
      path: '/v1/disbursements/:id',
      summary: 'One disbursement; fund administrators also get the payee details (audited read)',
      tags: TAGS,
      permission: 'disbursements:read',
      params: idParams,
      responses: { 200: { description: 'The disbursement with payee (null for auditors)' } },
    },
    async (call, _req, res) => {
      res.json(await getDisbursement(ctx, call, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/disbursements/:id/approve',
      summary: 'Approve (checker, never the requester); the last required approval reserves the money',
      tags: TAGS,
      permission: 'disbursements:write',
      idempotent: true,
      previewable: true,
      params: idParams,
      query: previewQuery,
      body: approveBody,
      responses: one(
        '{status: "approved", drawsFrom: [{pot, amount}]} — or still "requested" when a second approver is needed; with ?preview=true the same answer plus preview: true, and nothing changes',
      ),
    },
    async (call, _req, res) => {
      sendIdempotent(res, await approveDisbursement(ctx, call, call.params.id, call.query.preview));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/disbursements/:id/reject',
      summary: 'Reject a requested or approved disbursement; a reservation is released',
      tags: TAGS,
      permission: 'disbursements:write',
      params: idParams,
      body: reasonBody,
      responses: one('{status: "rejected"}'),
    },
    async (call, _req, res) => {
      res.json(await closeUnpaid(ctx, call, call.params.id, 'rejected', call.body.reason));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/disbursements/:id/paid',
      summary: 'Confirm payment: the reservation is posted to the ledger',
      tags: TAGS,
      permission: 'disbursements:write',
      idempotent: true,
      params: idParams,
      body: paidBody,
      responses: one('{status: "paid"}'),
    },
    async (call, _req, res) => {
      sendIdempotent(res, await markPaid(ctx, call, call.params.id, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/disbursements/:id/failed',
      summary: 'The payment failed: the reservation is released',
      tags: TAGS,
      permission: 'disbursements:write',
      params: idParams,
      body: reasonBody,
      responses: one('{status: "failed"}'),
    },
    async (call, _req, res) => {
      res.json(await closeUnpaid(ctx, call, call.params.id, 'failed', call.body.reason));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/funds/:id/disbursement-policy',
      summary: "The fund's pot order and second-approval thresholds",
      tags: TAGS,
      permission: 'disbursements:read',
      params: idParams,
      responses: { 200: { description: '{fundId, potOrder, approvalThresholds: [{currency, above}]}' } },
    },
    async (call, _req, res) => {
      res.json(await getPolicy(ctx, call, call.params.id));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'put',
      path: '/v1/funds/:id/disbursement-policy',
      summary: 'Set the pot order and, per currency, the amount above which two approvers are needed',
      tags: TAGS,
      permission: 'disbursements:write',
      params: idParams,
      body: policyBody,
      responses: {
        200: { description: '{fundId, potOrder, approvalThresholds}' },
        409: {
          description:
            'approval-threshold-unreachable: a threshold needs 3 active fund administrators (a requester and two approvers)',
        },
      },
    },
    async (call, _req, res) => {
      res.json(await putPolicy(ctx, call, call.params.id, call.body));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/victims/:id/witness-assistance',
      summary:
        "Assistance given while the victim was a witness (for disclosure); reference only. Legal aid: their own organization's victims, from every fund; fund administrators: their funds' payments",
      tags: TAGS,
      permission: 'witness-assistance:read',
      params: idParams,
      query: registerQuery,
      responses: {
        200: { description: '{victimId, victimReference, items: [...]}, or text/csv with ?format=csv' },
      },
    },
    async (call, _req, res) => {
      const register = await witnessAssistance(ctx, call, call.params.id);
      if (call.query.format === 'csv') {
        res.type('text/csv; charset=utf-8');
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="witness-assistance-${register.victimReference}.csv"`,
        );
        res.send(registerCsv(register));
        return;
      }
      res.json(register);
    },
  );
}
