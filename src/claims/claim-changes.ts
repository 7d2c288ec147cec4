import Joi from 'joi';
import type { Insertable } from 'kysely';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import type { FieldCipher } from '../lib/crypto';
import { transact } from '../lib/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { uuid } from '../lib/schemas';
import { CHANGE_NOTES_FIELD, NOTES_FIELD, notesOf, particulars } from './claim-particulars';
import { insertClaimChanges, updateClaimParticulars } from './claim-changes.repository';
import { claimFor } from './claims.access';
import { lockClaim, userInOrganization, type ClaimRow } from './claims.repository';
import { claimResponse } from './claims.service';
import type { ClaimChangesTable, ClaimsTable } from './claims.table';

/** PATCH /v1/claims/:id: corrections of a claim's particulars, each kept with who, when and why. */
export interface ClaimPatch {
  caseNumber?: string | null;
  forum?: string | null;
  respondent?: string | null;
  assigneeId?: string;
  notes?: string | null;
  /** Why: required, kept in the history (say it without naming anyone). */
  reason: string;
}

const clearable = (max: number) => Joi.string().trim().min(1).max(max).allow(null);

export const claimPatchBody = Joi.object<ClaimPatch, true>({
  caseNumber: clearable(100),
  forum: clearable(200).description('The court or tribunal'),
  respondent: clearable(200),
  assigneeId: uuid().description('An active user of the claim’s office'),
  notes: clearable(4000).description('Encrypted at rest; legal aid only'),
  reason: Joi.string().trim().min(1).max(1000).required(),
}).or('caseNumber', 'forum', 'respondent', 'assigneeId', 'notes');

type Field = ClaimChangesTable['field'];
const COLUMN = {
  caseNumber: 'case_number',
  forum: 'forum',
  respondent: 'respondent',
  assigneeId: 'assignee_id',
  notes: 'notes_enc',
} as const satisfies Record<Field, keyof ClaimsTable>;

/** One row per field the patch really changes; an unchanged value leaves no history. */
function changesOf(cipher: FieldCipher, row: ClaimRow, patch: ClaimPatch, by: string) {
  const rows: Insertable<ClaimChangesTable>[] = [];
  const set: Partial<Record<(typeof COLUMN)[Field], string | null>> = {};
  for (const field of Object.keys(COLUMN) as Field[]) {
    const next = patch[field];
    if (next === undefined) continue;
    const before = field === 'notes' ? notesOf(cipher, row) : row[COLUMN[field]];
    if (before === next) continue;
    const sealed = (v: string | null) =>
      field === 'notes' ? cipher.encryptNullable(CHANGE_NOTES_FIELD, v) : v;
    rows.push({
      claim_id: row.id,
      field,
      from_value: sealed(before),
      to_value: sealed(next),
      reason: patch.reason,
      changed_by: by,
    });
    set[COLUMN[field]] = field === 'notes' ? cipher.encryptNullable(NOTES_FIELD, next) : next;
  }
  return { rows, set };
}

/** Legal aid of the claim's office correct it; anyone else who can see it gets 403, others 404. */
export async function patchClaim(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: ClaimPatch,
  requestId: string,
) {
  return transact(ctx.db, async (trx) => {
    await claimFor(trx, actor, id); // 404 outside the caller's reach
    if (actor.role !== 'legal_aid')
      throw new ForbiddenError('The legal aid worker of the claim corrects its particulars.');
    const row = await lockClaim(trx, id);
    if (!row) throw new NotFoundError('claim');
    if (patch.assigneeId && !(await userInOrganization(trx, patch.assigneeId, row.organization_id)))
      throw new ValidationError([
        { path: 'assigneeId', message: 'assigneeId must be an active user of the claim’s office' },
      ]);
    const { rows, set } = changesOf(ctx.cipher, row, patch, actor.userId);
    let current = row;
    if (rows.length > 0) {
      await insertClaimChanges(trx, rows);
      current = await updateClaimParticulars(trx, id, set);
      await recordAudit(trx, {
        actor,
        action: 'claim.update',
        resourceType: 'claim',
        resourceId: id,
        requestId,
        details: { fields: rows.map((r) => r.field) },
      });
    }
    return {
      ...(await claimResponse(trx, actor, current)),
      ...(await particulars(trx, ctx.cipher, actor, current)),
    };
  });
}
