import type { Router } from 'express';
import { listClaims } from '../../claims/claims.list';
import { victimCompensation } from '../../claims/compensation.service';
import { ROUTES } from '../../claims/route-machines';
import type { AppContext } from '../../context';
import { isLanguage, LANGUAGE_NAMES } from '../../lib/i18n';
import { witnessAssistance } from '../../disbursements/witness-register.service';
import { DOCUMENT_KINDS } from '../../documents/documents';
import { listDocuments } from '../../documents/documents.service';
import { accessCodeSummary } from '../../status/access-codes.service';
import { getVictim } from '../../victims/victims.service';
import { consolePage, type ConsoleCall } from '../console-route';
import type { FormProblem } from '../form-problems';
import { victimIdOf } from './victim-id';

/**
 * Everything the victim's own legal aid office works with, gathered from the services the API
 * routes call (each audits its own read). Anyone else with the permission (a fund administrator)
 * gets what the victim service gives them and no more.
 */
async function victimModel(call: ConsoleCall, id: string) {
  const { ctx, actor, requestId } = call;
  const victim = await getVictim(ctx, actor, id, requestId);
  if (actor.role !== 'legal_aid') return { victim, full: false };
  const [claims, compensation, witness, documents, accessCode] = await Promise.all([
    listClaims(ctx, actor, { victimId: id, limit: 500 }, requestId),
    victimCompensation(ctx, actor, id, requestId),
    witnessAssistance(
      ctx,
      { actor, requestId, ip: call.req.ip ?? '', idempotencyKey: undefined, body: {}, query: {}, params: {} },
      id,
    ),
    listDocuments(ctx, actor, { kind: 'victim', victimId: id }, false, requestId),
    accessCodeSummary(ctx, actor, id),
  ]);
  const routes = ROUTES.map((route) => ({
    route,
    claims: claims.items.filter((c) => c.route === route),
  }));
  return { victim, full: true, routes, compensation, witness, documents: documents.items, accessCode };
}

/** The victim page, also drawn again with an upload form's problem. */
export async function showVictim(call: ConsoleCall, uploadProblem?: FormProblem): Promise<void> {
  const id = victimIdOf(call);
  const model = await victimModel(call, id);
  call.render(
    'worker/victim.njk',
    {
      title: call.t('victim.page.title', { reference: model.victim.reference }),
      ...model,
      uploadProblem,
      languageName: (code: string) => (isLanguage(code) ? LANGUAGE_NAMES[code] : code),
      documentKinds: DOCUMENT_KINDS.map((kind) => ({ value: kind, label: call.t(`document.kind.${kind}`) })),
    },
    uploadProblem?.status ?? 200,
  );
}

export function registerVictimPage(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/victims/:id', permission: 'victims:read' }, (call) => showVictim(call));
}
