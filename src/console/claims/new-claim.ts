import type { Request, Router } from 'express';
import type { AppContext } from '../../context';
import { HEADS } from '../../claims/claims';
import { createClaimBody } from '../../claims/claims.schemas';
import { createClaim } from '../../claims/claims.service';
import { CRIMINAL_MODES, ROUTES, type Route } from '../../claims/route-machines';
import { listFunds } from '../../funds/funds.service';
import { consoleAction, consolePage, type ConsoleCall } from '../console-route';
import type { FormProblem } from '../form-problems';
import { recordId } from './ids';

/** Empty head rows drawn on the form (a head left blank is simply not claimed). */
const DEFAULT_ROWS = 3;

const isRoute = (value: unknown): value is Route => ROUTES.includes(value as Route);

/** What the wage calculator (or a link) fills in ahead: `head0`, `amount0`, `description0`… */
function prefill(call: ConsoleCall): Record<string, unknown> {
  const one = (name: string) => {
    const v = call.query[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const heads = HEADS.map((_, i) => ({
    head: one(`head${i}`),
    amount: one(`amount${i}`),
    description: one(`description${i}`),
  })).filter((h) => h.head && h.amount);
  return { jurisdiction: one('jurisdiction') ?? 'TH', currency: one('currency') ?? 'THB', heads };
}

async function showForm(call: ConsoleCall, route: Route | undefined, problem?: FormProblem): Promise<void> {
  const victimId = recordId(call.params.id);
  const funds =
    route === 'state_fund' ? (await listFunds(call.ctx.db, call.actor, { limit: 200 })).items : [];
  const values = prefill(call);
  const given = (values.heads as unknown[]).length;
  const rows = Math.min(HEADS.length, Math.max(DEFAULT_ROWS, given + 1, Number(call.query.rows) || 0));
  call.render(
    'claims/new-claim.njk',
    {
      title: call.t('claim.new.title'),
      victimId,
      route,
      routes: ROUTES,
      modes: CRIMINAL_MODES.map((m) => ({ value: m, label: call.t(`claim.mode.${m}`) })),
      heads: HEADS.map((h) => ({ value: h, label: call.t(`claim.head.${h}`) })),
      funds: funds.map((f) => ({
        value: f.id,
        label: `${f.name} (${'agencyName' in f ? `${f.agencyName}, ` : ''}${f.currency})`,
      })),
      rowIndexes: [...Array(rows).keys()],
      moreRows: rows < HEADS.length ? rows + 1 : undefined,
      values,
      problem,
    },
    problem?.status ?? 200,
  );
}

/** A head row with neither head nor amount was left empty: it is no part of the claim. */
function dropEmptyHeadRows(req: Request): void {
  const body = req.body as { heads?: unknown } | undefined;
  if (!body || !Array.isArray(body.heads)) return;
  const filled = (row: unknown) =>
    !!row &&
    typeof row === 'object' &&
    Object.values(row as Record<string, unknown>).some((v) => typeof v === 'string' && v.trim() !== '');
  body.heads = body.heads.filter(filled);
}

/** File a claim for a victim: the route first, then that route's fields and the heads of loss. */
export function registerNewClaim(ctx: AppContext, router: Router): void {
  const path = '/victims/:id/claims/new';
  consolePage(ctx, router, { path, permission: 'claims:write' }, async (call) => {
    await showForm(call, isRoute(call.query.route) ? call.query.route : undefined);
  });
  router.post(path, (req, _res, next) => {
    dropEmptyHeadRows(req);
    next();
  });
  consoleAction(ctx, router, {
    path,
    permission: 'claims:write',
    schema: createClaimBody,
    run: async (call, input) => {
      if (input.victimId !== call.params.id) recordId(undefined);
      const { claim } = await createClaim(call.ctx, call.actor, input, call.requestId);
      return {
        redirect: `/console/claims/${claim.id}`,
        flash: { key: 'claim.new.done', vars: { reference: claim.reference } },
      };
    },
    reshow: async (call, problem) => {
      const route = problem.values.route;
      await showForm(call, isRoute(route) ? route : undefined, problem);
    },
  });
}
