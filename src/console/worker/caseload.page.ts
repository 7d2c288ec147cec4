import type { Router } from 'express';
import { caseloadOf } from '../../caseload/caseload';
import type { AppContext } from '../../context';
import { consolePage } from '../console-route';

/** The legal aid worker's home: their open claims (overdue first), what waits on them, their victims. */
export function registerCaseloadPage(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/', permission: 'caseload:read' }, async (call) => {
    const caseload = await caseloadOf(call.ctx, call.actor, call.requestId);
    const references = new Map(caseload.victims.map((v) => [v.id, v.reference]));
    call.render('worker/caseload.njk', {
      title: call.t('caseload.title'),
      caseload,
      victimReference: (id: string) => references.get(id) ?? '',
    });
  });
}
