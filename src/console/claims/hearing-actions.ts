import type { Router } from 'express';
import type Joi from 'joi';
import type { AppContext } from '../../context';
import {
  adjournHearingBody,
  cancelHearingBody,
  hearingOutcomeBody,
  scheduleHearingBody,
} from '../../claims/hearings/hearings.schemas';
import {
  adjournHearing,
  cancelHearing,
  recordHearingOutcome,
  scheduleHearing,
} from '../../claims/hearings/hearings.service';
import { consoleAction, type ConsoleCall } from '../console-route';
import { showClaim } from './claim-page';
import { recordId } from './ids';

const claimPath = (id: string) => `/console/claims/${id}`;

/**
 * Hearings from the claim page. A hearing's forms post under its claim's path so a refused one is
 * drawn again on that page; the service checks the hearing itself is in reach.
 */
export function registerHearingActions(ctx: AppContext, router: Router): void {
  consoleAction(ctx, router, {
    path: '/claims/:id/hearings',
    permission: 'hearings:write',
    schema: scheduleHearingBody,
    run: async (call, input) => {
      const id = recordId(call.params.id);
      await scheduleHearing(call.ctx, call.actor, id, input, call.requestId);
      return { redirect: claimPath(id), flash: { key: 'hearing.scheduled' } };
    },
    reshow: (call, problem) => showClaim(call, problem, 'hearing:schedule'),
  });

  const onHearing = <T>(
    name: string,
    schema: Joi.ObjectSchema<T>,
    act: (call: ConsoleCall, hearingId: string, input: T) => Promise<unknown>,
  ) =>
    consoleAction(ctx, router, {
      path: `/claims/:id/hearings/:hearingId/${name}`,
      permission: 'hearings:write',
      schema,
      run: async (call, input) => {
        const id = recordId(call.params.id);
        await act(call, recordId(call.params.hearingId), input);
        return { redirect: claimPath(id), flash: { key: `hearing.${name}.done` } };
      },
      reshow: (call, problem) => showClaim(call, problem, `hearing:${name}:${call.params.hearingId}`),
    });

  onHearing('adjourn', adjournHearingBody, (call, hid, input) =>
    adjournHearing(call.ctx, call.actor, hid, input, call.requestId),
  );
  onHearing('cancel', cancelHearingBody, (call, hid, input) =>
    cancelHearing(call.ctx, call.actor, hid, input, call.requestId),
  );
  onHearing('outcome', hearingOutcomeBody, (call, hid, input) =>
    recordHearingOutcome(call.ctx, call.actor, hid, input, call.requestId),
  );
}
