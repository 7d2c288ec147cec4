import Joi from 'joi';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { uuid } from '../lib/schemas';
import {
  findUsersForReassignment,
  insertAssigneeChanges,
  reassignClaims,
  reassignVictims,
} from './caseload.repository';

export interface ReassignmentInput {
  fromUserId: string;
  toUserId: string;
  /** Kept in each claim's history and the audit trail. */
  reason: string;
}

export const reassignmentBody = Joi.object<ReassignmentInput, true>({
  fromUserId: uuid().required(),
  toUserId: uuid().required().invalid(Joi.ref('fromUserId')).messages({
    'any.invalid': '{{#label}} must differ from fromUserId',
  }),
  reason: Joi.string().trim().min(1).max(1000).required(),
});

/**
 * An admin moves a departing worker's victims and claims to a colleague of the same office.
 * Idempotent by nature: sent again, nothing is left assigned to `fromUserId`, so nothing moves.
 * Each claim's move is in its correction history (claim_changes), the whole in the audit trail.
 */
export async function reassignCaseload(
  ctx: AppContext,
  actor: Actor,
  input: ReassignmentInput,
  requestId: string,
) {
  return transact(ctx.db, async (trx) => {
    const users = await findUsersForReassignment(trx, [input.fromUserId, input.toUserId]);
    const from = users.find((u) => u.id === input.fromUserId);
    const to = users.find((u) => u.id === input.toUserId);
    const errors: Array<{ path: string; message: string }> = [];
    if (!from?.organization_id) errors.push({ path: 'fromUserId', message: 'no such user of an office' });
    if (!to || !to.active || to.role !== 'legal_aid')
      errors.push({ path: 'toUserId', message: 'toUserId must be an active legal aid worker' });
    else if (from && to.organization_id !== from.organization_id)
      errors.push({ path: 'toUserId', message: 'toUserId must work in the same office as fromUserId' });
    if (errors.length > 0 || !from?.organization_id) throw new ValidationError(errors);
    const org = from.organization_id;
    const victims = await reassignVictims(trx, org, input.fromUserId, input.toUserId);
    const claims = await reassignClaims(trx, org, input.fromUserId, input.toUserId);
    await insertAssigneeChanges(
      trx,
      claims.map((c) => c.id),
      {
        fromUserId: input.fromUserId,
        toUserId: input.toUserId,
        reason: input.reason,
        changedBy: actor.userId,
      },
    );
    await recordAudit(trx, {
      actor,
      action: 'caseload.reassign',
      resourceType: 'user',
      resourceId: input.fromUserId,
      requestId,
      details: {
        toUserId: input.toUserId,
        victimIds: victims.map((v) => v.id),
        claimIds: claims.map((c) => c.id),
      },
    });
    return { victimsMoved: victims.length, claimsMoved: claims.length };
  });
}
