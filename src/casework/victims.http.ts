import type { Router } from 'express';
import { compensationResponse } from '../claims/compensation.schemas';
import { victimCompensation } from '../claims/compensation.service';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import {
  createVictimBody,
  patchVictimBody,
  victimIdParams,
  victimResponse,
  victimSearchQuery,
  victimSearchResponse,
} from '../victims/victims.schemas';
import { searchVictims, type VictimHit } from './victims.search';
import { getVictim } from '../victims/victims.service';
import { createVictim, updateVictim } from './victim-records.service';
import { fieldColumns, sendList } from '../lib/csv';

const tags = ['Victims'];

const VICTIM_CSV_COLUMNS = fieldColumns<VictimHit>(
  'id',
  'reference',
  'organizationId',
  'fullName',
  'nationality',
  'assigneeId',
  'isChild',
  'openClaims',
);

export function registerVictimRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/victims',
      summary: 'Register a victim (identifying fields are encrypted; duplicate documents give a warning)',
      tags,
      permission: 'victims:write',
      body: createVictimBody,
      responses: { 201: { description: 'The victim, with `warnings`', schema: victimResponse } },
    },
    async (call, _req, res) => {
      const { victim, warnings } = await createVictim(ctx, call.actor, call.body, call.requestId);
      res.status(201).json({ ...victim, warnings });
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/victims',
      summary:
        'Find victims in reach (audited): by reference, document number or name (whole name or any whole word, through blind indexes), and filters. Fund administrators: by reference and filters, without names.',
      tags,
      permission: 'victims:read',
      query: victimSearchQuery,
      responses: { 200: { description: 'A page of victims, by reference', schema: victimSearchResponse } },
    },
    async (call, req, res) => {
      // CSV: each page is searched (and audited) as the JSON list would be, so it shows the same
      const csv = { filename: 'victims.csv', columns: VICTIM_CSV_COLUMNS, pageSize: 200 };
      await sendList(req, res, call.query, csv, (page) =>
        searchVictims(
          ctx,
          call.actor,
          { ...call.query, cursor: page.cursor, limit: page.limit ?? call.query.limit },
          call.requestId,
        ),
      );
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/victims/:id',
      summary: 'Read a victim (audited). Fund administrators get only what a payment needs.',
      tags,
      permission: 'victims:read',
      params: victimIdParams,
      responses: { 200: { description: 'The victim', schema: victimResponse } },
    },
    async (call, _req, res) => {
      res.json(await getVictim(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'patch',
      path: '/v1/victims/:id',
      summary: 'Update a victim; `witness` sets the witness status by hand or back to automatic',
      tags,
      permission: 'victims:write',
      params: victimIdParams,
      body: patchVictimBody,
      responses: { 200: { description: 'The victim, with `warnings`', schema: victimResponse } },
    },
    async (call, _req, res) => {
      const { victim, warnings } = await updateVictim(
        ctx,
        call.actor,
        call.params.id,
        call.body,
        call.requestId,
      );
      res.json({ ...victim, warnings });
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/victims/:id/compensation',
      summary:
        'Joined-up compensation across every claim: per currency, route and head, with offsets and subrogation',
      tags,
      permission: 'victims:read',
      params: victimIdParams,
      responses: {
        200: {
          description: 'The summary',
          schema: compensationResponse,
        },
      },
    },
    async (call, _req, res) => {
      res.json(await victimCompensation(ctx, call.actor, call.params.id, call.requestId));
    },
  );
}
