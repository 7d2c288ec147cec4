import type { Router } from 'express';
import type { AppContext } from '../../context';
import { HEADS, PAID_TO, PAYERS } from '../../claims/claims';
import { getClaim } from '../../claims/claims.service';
import { listClaimHearings } from '../../claims/hearings/hearings.reads';
import { HEARING_KINDS } from '../../claims/hearings/hearings';
import { listPaymentsReceived } from '../../claims/payment-voids.service';
import { listDocuments } from '../../documents/documents.service';
import { roleMay } from '../../lib/auth';
import { consolePage, type ConsoleCall } from '../console-route';
import type { FormProblem } from '../form-problems';
import { recordId } from './ids';

/** Which of the page's forms a refused submission belongs to (only that one shows the problem). */
export type FormName = string;

const options = (call: ConsoleCall, prefix: string, values: readonly string[]) =>
  values.map((v) => ({ value: v, label: call.t(`${prefix}.${v}`) }));

/**
 * The claim page: facts, amounts per head, timeline, deadlines, hearings, payments, documents and
 * the next steps this person may take from here, each as a form asking what that step needs.
 */
export async function showClaim(
  call: ConsoleCall,
  problem?: FormProblem,
  problemFor?: FormName,
): Promise<void> {
  const id = recordId(call.params.id);
  const { ctx, actor, requestId } = call;
  const claim = await getClaim(ctx, actor, id, requestId);
  // Each part is read only by a role the API would let read it (auditors: no hearings, no documents).
  const may = {
    hearings: roleMay(actor.role, 'hearings:read'),
    documents: roleMay(actor.role, 'documents:read'),
    write: roleMay(actor.role, 'claims:write'),
    schedule: roleMay(actor.role, 'hearings:write'),
    victim: roleMay(actor.role, 'victims:read'),
  };
  const [hearings, payments, documents] = await Promise.all([
    may.hearings ? listClaimHearings(ctx, actor, id, requestId) : { items: [] },
    listPaymentsReceived(ctx, actor, id, { limit: 500 }, requestId),
    may.documents
      ? listDocuments(ctx, actor, { kind: 'claim', claimId: id }, false, requestId)
      : { items: [] },
  ]);
  const steps = claim.transitionRequirements
    .filter((s) => s.by.includes(actor.role))
    .map((s) => ({
      to: s.to,
      award: s.requires.includes('award'),
      reason: s.requires.includes('reason'),
      fullyPaid: s.requires.includes('fully_paid'),
      hearing: s.to === 'hearing' || s.to === 'trial',
    }));
  call.render(
    'claims/claim.njk',
    {
      title: call.t('claim.page.title', { reference: claim.reference }),
      claim,
      steps,
      may,
      hearings: hearings.items,
      payments: payments.items,
      documents: documents.items,
      claimHeads: claim.heads.map((h) => ({ value: h.head, label: call.t(`claim.head.${h.head}`) })),
      allHeads: options(call, 'claim.head', HEADS),
      payers: options(call, 'claim.payer', PAYERS),
      paidTo: options(call, 'claim.paidTo', PAID_TO),
      hearingKinds: options(call, 'hearing.kind', HEARING_KINDS),
      problem,
      problemFor,
    },
    problem?.status ?? 200,
  );
}

export function registerClaimPage(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/claims/:id', permission: 'claims:read' }, (call) => showClaim(call));
}
