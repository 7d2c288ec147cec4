import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact, type Db, type Trx } from '../lib/db';
import { ForbiddenError, ValidationError } from '../lib/errors';
import { ConsentRequired } from './claims.errors';
import { parseMoney } from '../lib/money';
import { assertDateOrder, notAfter, notBefore } from '../lib/date-order';
import { newReference } from '../victims/reference';
import { FIELD } from '../victims/victims.mapper';
import { victimAccess } from '../victims/victims.service';
import { refreshDeadlines } from './claim-deadlines';
import { refreshWitness } from './witness';
import { particulars } from './claim-particulars';
import { otherRoutesFor, type OtherRoute } from './other-routes';
import type { ClaimView } from './claim-view';
import { nextHearingOf } from './hearings/hearings.views';
import { audienceOf, claimFor, claimRowToRecord } from './claims.access';
import { presentClaim, type HistoryEntry } from './claims';
import {
  claimReferenceTaken,
  deadlinesOf,
  findFund,
  headsOf,
  historyOf,
  insertClaim,
  insertHeads,
  insertTransition,
  userInOrganization,
  type ClaimRow,
} from './claims.repository';
import { todayUtc } from '../lib/dates';
import type { Deadline } from './deadlines';
import { machineOf, type Route } from './route-machines';
import { isCountryCode } from '../lib/schemas';

export interface CreateClaimInput {
  victimId: string;
  route: Route;
  mode?: string;
  fundId?: string;
  jurisdiction: string;
  forum?: string;
  caseNumber?: string;
  respondent?: string;
  currency: string;
  heads: Array<{ head: string; amount: string; description?: string }>;
  filedOn?: string;
  causeOfActionOn?: string;
  assigneeId?: string;
}

/** The full claim as answered by create, read and transition: with history and deadlines. */
export async function claimResponse(
  db: Db | Trx,
  actor: Actor,
  row: ClaimRow,
  deadlines?: Deadline[],
): Promise<ClaimView> {
  const [heads, history, stored] = await Promise.all([
    headsOf(db, [row.id]),
    historyOf(db, row.id),
    deadlines ? Promise.resolve(null) : deadlinesOf(db, [row.id]),
  ]);
  const entries: HistoryEntry[] = history.map((h) => ({
    id: h.id,
    from: h.from_status,
    to: h.to_status,
    at: h.recorded_at.toISOString(),
    occurredOn: h.occurred_on,
    by: h.by_system ? 'system' : h.recorded_by!,
    note: h.note,
    award: h.award,
    hearingOn: h.hearing_on,
  }));
  const ds =
    deadlines ??
    (stored ?? []).map((d) => ({
      kind: d.kind as Deadline['kind'],
      dueOn: d.due_on,
      metOn: d.met_on,
      basis: d.basis,
      recordedOn: d.recorded_on,
    }));
  const audience = audienceOf(actor);
  const body = presentClaim(claimRowToRecord(row, heads), audience, { history: entries, deadlines: ds });
  if (audience !== 'case') return body;
  const next = await nextHearingOf(db, [row.id], todayUtc());
  return { ...body, nextHearing: next.get(row.id) ?? null };
}

async function uniqueClaimReference(trx: Trx): Promise<string> {
  for (;;) {
    const ref = newReference('C');
    if (!(await claimReferenceTaken(trx, ref))) return ref;
  }
}

/** Checks that need the database or more than one field; joi has done the rest. */
async function checkCreate(
  trx: Trx,
  input: CreateClaimInput,
  victim: { consent: boolean; orgId: string; dateOfBirth: string | null },
) {
  const { consent, orgId, dateOfBirth } = victim;
  const errors: Array<{ path: string; message: string }> = [];
  if (!isCountryCode(input.jurisdiction))
    errors.push({ path: 'jurisdiction', message: 'jurisdiction must be an ISO 3166-1 alpha-2 country code' });
  const filedOn = input.filedOn ?? todayUtc();
  if (input.assigneeId && !(await userInOrganization(trx, input.assigneeId, orgId)))
    errors.push({ path: 'assigneeId', message: 'assigneeId must be an active user of your organization' });
  if (input.route === 'state_fund' && input.fundId) {
    const fund = await findFund(trx, input.fundId);
    if (!fund) errors.push({ path: 'fundId', message: 'no such fund' });
    else if (!fund.currencies.includes(input.currency))
      errors.push({ path: 'currency', message: `the fund does not hold ${input.currency}` });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  assertDateOrder([
    notBefore('filedOn', filedOn, "the victim's birth (dateOfBirth)", dateOfBirth),
    notBefore('causeOfActionOn', input.causeOfActionOn, "the victim's birth (dateOfBirth)", dateOfBirth),
    notAfter('causeOfActionOn', input.causeOfActionOn, 'the filing (filedOn)', filedOn),
  ]);
  // The seed: information is shared only with the victim's consent.
  if (input.route === 'state_fund' && !consent) throw new ConsentRequired();
  return filedOn;
}

/**
 * Only legal aid file claims. Anyone else learns that only about a victim in their reach: for a
 * victim outside it the answer is the 404 of a victim that does not exist.
 */
async function refuseFiling(ctx: AppContext, actor: Actor, victimId: string): Promise<never> {
  await transact(ctx.db, (trx) => victimAccess(trx, actor, victimId));
  throw new ForbiddenError(
    'Claims are filed by the victim’s legal aid worker; fund administrators decide them.',
  );
}

export async function createClaim(
  ctx: AppContext,
  actor: Actor,
  input: CreateClaimInput,
  requestId: string,
): Promise<{ claim: ClaimView; warnings: Array<{ code: string; message: string }> }> {
  if (actor.role !== 'legal_aid') await refuseFiling(ctx, actor, input.victimId);
  const heads = input.heads.map((h, i) => {
    try {
      return { ...h, minor: parseMoney(h.amount, input.currency) };
    } catch (err) {
      throw new ValidationError([{ path: `heads[${i}].amount`, message: (err as Error).message }]);
    }
  });
  return transact(ctx.db, async (trx) => {
    const { row: victim } = await victimAccess(trx, actor, input.victimId, true);
    const filedOn = await checkCreate(trx, input, {
      consent: victim.consent_share_with_fund_agency,
      orgId: victim.organization_id,
      dateOfBirth: ctx.cipher.decryptNullable(FIELD.dateOfBirth, victim.date_of_birth_enc),
    });
    const initial = machineOf(input.route).initial;
    const claim = await insertClaim(trx, {
      reference: await uniqueClaimReference(trx),
      victim_id: victim.id,
      organization_id: victim.organization_id,
      route: input.route,
      mode: input.route === 'criminal' ? (input.mode ?? null) : null,
      fund_id: input.route === 'state_fund' ? (input.fundId ?? null) : null,
      jurisdiction: input.jurisdiction,
      forum: input.forum ?? null,
      case_number: input.caseNumber ?? null,
      respondent: input.respondent ?? null,
      currency: input.currency,
      status: initial,
      status_since: filedOn,
      filed_on: filedOn,
      cause_of_action_on: input.causeOfActionOn ?? null,
      assignee_id: input.assigneeId ?? actor.userId,
      created_by: actor.userId,
    });
    await insertHeads(
      trx,
      heads.map((h) => ({
        claim_id: claim.id,
        head: h.head,
        description: h.description ?? null,
        claimed_minor: h.minor.toString(),
        decided_minor: null,
      })),
    );
    await insertTransition(trx, {
      claim_id: claim.id,
      from_status: null,
      to_status: initial,
      occurred_on: filedOn,
      recorded_by: actor.userId,
      note: null,
      award: null,
    });
    const deadlines = await refreshDeadlines(trx, ctx.cipher, claim, victim);
    if (input.route === 'criminal') await refreshWitness(trx, victim.id, actor.userId);
    await recordAudit(trx, {
      actor,
      action: 'claim.create',
      resourceType: 'claim',
      resourceId: claim.id,
      requestId,
      details: { route: input.route, victimId: victim.id },
    });
    const late = deadlines.find((d) => d.kind === 'limitation' && d.metOn && d.metOn > d.dueOn);
    const warnings = late
      ? [
          {
            code: 'filed_after_limitation',
            message: `Filed after the limitation period ended on ${late.dueOn}.`,
          },
        ]
      : [];
    return { claim: await claimResponse(trx, actor, claim, deadlines), warnings };
  });
}

export async function getClaim(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<ClaimView & { otherRoutes?: OtherRoute[] }> {
  return transact(ctx.db, async (trx) => {
    const claim = await claimFor(trx, actor, id);
    const otherRoutes = await otherRoutesFor(trx, actor, claim);
    await recordAudit(trx, {
      actor,
      action: 'claim.read',
      resourceType: 'claim',
      resourceId: id,
      requestId,
      ...(otherRoutes ? { details: { otherRoutes: otherRoutes.length } } : {}),
    });
    const body = {
      ...(await claimResponse(trx, actor, claim)),
      ...(await particulars(trx, ctx.cipher, actor, claim)),
    };
    return otherRoutes ? { ...body, otherRoutes } : body;
  });
}
