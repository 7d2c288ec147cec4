import type { Router } from 'express';
import type { AppContext } from '../../context';
import { normalizeLanguage } from '../../lib/i18n';
import { issueAccessCode } from '../../status/access-codes.service';
import { issueCodeBody } from '../../status/access-codes.schemas';
import { tr } from '../../status/status.view';
import { getVictim } from '../../victims/victims.service';
import { consoleAction } from '../console-route';
import { showVictim } from './victim.page';
import { victimIdOf } from './victim-id';

/**
 * A new status access code and its card, in the victim's language, drawn once at the answer to
 * the form: the code is never stored in the clear, so it cannot be shown again (a new one can be
 * issued, which revokes this one). The form sent again goes back to the victim page.
 */
export function registerAccessCodePages(ctx: AppContext, router: Router): void {
  consoleAction(ctx, router, {
    path: '/victims/:id/access-code',
    permission: 'victims:write',
    schema: issueCodeBody,
    run: async (call) => {
      const id = victimIdOf(call);
      const victim = await getVictim(call.ctx, call.actor, id, call.requestId);
      const issued = await issueAccessCode(call.ctx, call.actor, id, call.requestId);
      const cardLanguage = normalizeLanguage(victim.preferredLanguage);
      const card = tr(cardLanguage);
      return {
        redirect: `/console/victims/${id}`,
        page: {
          view: 'worker/access-card.njk',
          model: {
            title: call.t('victim.accessCode.cardTitle', { reference: issued.reference }),
            victimId: id,
            issued,
            cardLanguage,
            statusUrl: `${call.ctx.config.publicUrl.replace(/\/+$/, '')}/status`,
            card: {
              title: card('card.title'),
              reference: card('form.reference'),
              code: card('form.code'),
              steps: [card('card.step1'), card('card.step2'), card('card.step3')],
              keep: card('card.keep'),
              lost: card('card.lost'),
            },
          },
        },
      };
    },
    reshow: async (call) => showVictim(call),
  });
}
