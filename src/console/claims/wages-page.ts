import type { Router } from 'express';
import type { AppContext } from '../../context';
import { searchVictims } from '../../casework/victims.search';
import { calculateWages } from '../../claims/wages';
import { crossCheck, wageBody } from '../../claims/wages.schemas';
import { todayUtc } from '../../lib/dates';
import { AppError } from '../../lib/errors';
import { victimSearchQuery } from '../../victims/victims.schemas';
import { consolePage, type ConsoleCall } from '../console-route';
import { formProblem, stripFormFields, type FormProblem } from '../form-problems';
import { recordId } from './ids';
import { nestedQuery } from './nested-query';

const ROWS = { periods: 3, payments: 2, deductions: 2 } as const;
const DEDUCTION_KINDS = ['recruitment_fee', 'document_fee', 'debt', 'other'] as const;
const MAX_HEADS = 6;

type Values = Record<string, unknown>;

/** A row of the form left empty is no period, payment or deduction. */
function withoutEmptyRows(values: Values): Values {
  const out = { ...values };
  for (const list of Object.keys(ROWS)) {
    const rows = out[list];
    if (!Array.isArray(rows)) continue;
    const kept = rows.filter((r) => r && typeof r === 'object' && Object.keys(r as object).length > 0);
    if (kept.length > 0) out[list] = kept;
    else delete out[list];
  }
  return out;
}

/** The calculation (nothing is stored, as in the API), or the problem with what was typed. */
function calculate(call: ConsoleCall, values: Values) {
  const checked = wageBody.validate(values, { abortEarly: false, convert: true });
  if (checked.error) return { problem: formProblem(call.t, checked.error, values) };
  const input = { ...checked.value, calculateOn: checked.value.calculateOn ?? todayUtc() };
  try {
    crossCheck(input);
    return { result: calculateWages(input) };
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const problem = formProblem(call.t, err, values);
    // The cross-check names rows as `periods[0].daysWorked`; the form's fields are dotted paths.
    problem.fields = Object.fromEntries(
      Object.entries(problem.fields).map(([path, message]) => [path.replace(/\[(\d+)\]/g, '.$1'), message]),
    );
    return { problem };
  }
}

async function myVictims(call: ConsoleCall) {
  const query = victimSearchQuery.validate({ limit: 200 }).value;
  const page = await searchVictims(call.ctx, call.actor, query, call.requestId);
  return page.items.map((v) => ({
    value: v.id,
    label: v.fullName ? `${v.reference} · ${v.fullName}` : v.reference,
  }));
}

async function showWages(call: ConsoleCall): Promise<void> {
  const search = call.req.originalUrl.includes('?')
    ? call.req.originalUrl.slice(call.req.originalUrl.indexOf('?'))
    : '';
  const values = withoutEmptyRows(stripFormFields(nestedQuery(search)));
  const asked = Object.keys(values).length > 0;
  const { result, problem }: { result?: ReturnType<typeof calculateWages>; problem?: FormProblem } = asked
    ? calculate(call, values)
    : {};
  const victims = result && result.heads.length > 0 ? await myVictims(call) : [];
  const given = typeof call.query.victimId === 'string' ? call.query.victimId : undefined;
  call.render(
    'claims/wages.njk',
    {
      title: call.t('wages.title'),
      rows: Object.fromEntries(Object.entries(ROWS).map(([k, n]) => [k, [...Array(n).keys()]])),
      pers: ['hour', 'day', 'month'].map((p) => ({ value: p, label: call.t(`wages.per.${p}`) })),
      deductionKinds: DEDUCTION_KINDS.map((k) => ({ value: k, label: call.t(`wages.deduction.${k}`) })),
      defaults: { jurisdiction: 'TH', currency: 'THB' },
      problem: problem ?? (asked ? { values, fields: {} } : undefined),
      showErrors: !!problem,
      result,
      victims,
      victimId: given,
    },
    problem?.status ?? 200,
  );
}

/** From the calculation's heads to the labour claim form of the chosen victim, filled in. */
async function fileLabourClaim(call: ConsoleCall): Promise<void> {
  const victimId = typeof call.query.victimId === 'string' ? call.query.victimId : '';
  if (!victimId) {
    call.res.redirect(303, '/console/wages');
    return;
  }
  const carried = new URLSearchParams({ route: 'labour' });
  for (const name of ['jurisdiction', 'currency']) {
    const v = call.query[name];
    if (typeof v === 'string') carried.set(name, v);
  }
  for (let i = 0; i < MAX_HEADS; i++) {
    for (const name of ['head', 'amount', 'description']) {
      const v = call.query[`${name}${i}`];
      if (typeof v === 'string' && v !== '') carried.set(`${name}${i}`, v);
    }
  }
  call.res.redirect(303, `/console/victims/${recordId(victimId)}/claims/new?${carried.toString()}`);
}

export function registerWagesPage(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/wages', permission: 'claims:read' }, showWages);
  consolePage(ctx, router, { path: '/wages/file', permission: 'claims:write' }, fileLabourClaim);
}
