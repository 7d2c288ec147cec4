import type { Router } from 'express';
import type { AppContext } from '../../context';
import { claimPatchBody, patchClaim } from '../../claims/claim-changes';
import { paymentBody, transitionBody, voidPaymentBody } from '../../claims/claims.schemas';
import { recordPaymentReceived } from '../../claims/payments.service';
import { voidPaymentReceived } from '../../claims/payment-voids.service';
import { transitionClaim } from '../../claims/transitions.service';
import { consoleAction } from '../console-route';
import { showClaim } from './claim-page';
import { recordId } from './ids';

const claimPath = (id: string) => `/console/claims/${id}`;

/** The claim page's own forms: a move along the route, a payment received or voided, a correction. */
export function registerClaimActions(ctx: AppContext, router: Router): void {
  consoleAction(ctx, router, {
    path: '/claims/:id/transitions',
    permission: 'claims:write',
    schema: transitionBody,
    run: async (call, input) => {
      const id = recordId(call.params.id);
      const moved = await transitionClaim(call.ctx, call.actor, id, input, call.requestId);
      return {
        redirect: claimPath(id),
        flash: { key: 'claim.step.done', vars: { state: call.t(`claim.state.${moved.status}`) } },
      };
    },
    reshow: (call, problem) => showClaim(call, problem, `step:${String(problem.values.to)}`),
  });

  consoleAction(ctx, router, {
    path: '/claims/:id/payments',
    permission: 'claims:write',
    schema: paymentBody,
    run: async (call, input, formKey) => {
      const id = recordId(call.params.id);
      // The form key is the payment's idempotency key: a resent form records the money once.
      await recordPaymentReceived(call.ctx, {
        actor: call.actor,
        requestId: call.requestId,
        idempotencyKey: formKey,
        params: { id },
        body: input,
      });
      return { redirect: claimPath(id), flash: { key: 'claim.payment.done' } };
    },
    reshow: (call, problem) => showClaim(call, problem, 'payment'),
  });

  consoleAction(ctx, router, {
    path: '/claims/:id/payments/:paymentId/void',
    permission: 'claims:write',
    schema: voidPaymentBody,
    run: async (call, input, formKey) => {
      const id = recordId(call.params.id);
      const paymentId = recordId(call.params.paymentId);
      await voidPaymentReceived(call.ctx, {
        actor: call.actor,
        requestId: call.requestId,
        ip: call.req.ip ?? '',
        idempotencyKey: formKey,
        params: { id, paymentId },
        query: {},
        body: input,
      });
      return { redirect: claimPath(id), flash: { key: 'claim.payment.voided' } };
    },
    reshow: (call, problem) => showClaim(call, problem, `void:${call.params.paymentId}`),
  });

  consoleAction(ctx, router, {
    path: '/claims/:id/corrections',
    permission: 'claims:write',
    schema: claimPatchBody,
    run: async (call, input) => {
      const id = recordId(call.params.id);
      await patchClaim(call.ctx, call.actor, id, input, call.requestId);
      return { redirect: claimPath(id), flash: { key: 'claim.correct.done' } };
    },
    reshow: (call, problem) => showClaim(call, problem, 'correct'),
  });
}
