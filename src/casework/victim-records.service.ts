import { recordAudit } from '../audit/audit.service';
import { refreshVictimDeadlines } from '../claims/claim-deadlines';
import { rulesFor } from '../claims/rules';
import { refreshWitness } from '../claims/witness';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { todayUtc } from '../lib/dates';
import { transact, type Trx } from '../lib/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { replaceNameIndex } from '../victims/name-index';
import { newReference } from '../victims/reference';
import { checkBirthDateChange, checkNewVictimDates } from '../victims/victim-dates';
import { isMinorOn, type Victim, type VictimInput, type VictimPatch, type Warning } from '../victims/victims';
import {
  documentHashes,
  encryptedColumns,
  FIELD,
  rowToVictim,
  touchedFields,
} from '../victims/victims.mapper';
import {
  findDocumentMatches,
  insertVictim,
  referenceTaken,
  replaceDocumentIndex,
  updateVictimRow,
} from '../victims/victims.repository';
import { victimAccess } from '../victims/victims.service';

// Registering and changing a victim apply claims' rules (the jurisdiction's reflection period,
// deadlines and witness status follow the victim's claims), so they live above both domains.

function checkChildFields(dateOfBirth: string | null, isChild: boolean, hasGuardian: boolean): void {
  if (dateOfBirth && isMinorOn(dateOfBirth, todayUtc()) !== isChild)
    throw new ValidationError([
      { path: 'isChild', message: `isChild must be ${String(!isChild)} for the given dateOfBirth` },
    ]);
  if (hasGuardian && !isChild)
    throw new ValidationError([{ path: 'guardian', message: 'a guardian is recorded only for a child' }]);
}

async function duplicateWarnings(
  trx: Trx,
  ctx: AppContext,
  orgId: string,
  input: VictimPatch,
  self: string | null,
) {
  const refs = await findDocumentMatches(
    trx,
    orgId,
    documentHashes(ctx.cipher, input.identityDocuments),
    self,
  );
  const warnings: Warning[] = refs.length
    ? [
        {
          code: 'possible_duplicate',
          message: 'Another victim of your organization has the same identity document number.',
          references: refs,
        },
      ]
    : [];
  return warnings;
}

async function uniqueReference(trx: Trx): Promise<string> {
  for (;;) {
    const ref = newReference('V');
    if (!(await referenceTaken(trx, ref))) return ref;
  }
}

export async function createVictim(
  ctx: AppContext,
  actor: Actor,
  input: VictimInput,
  requestId: string,
): Promise<{ victim: Victim; warnings: Warning[] }> {
  if (!actor.organizationId)
    throw new ForbiddenError('Only a member of an organization may register victims.');
  const orgId = actor.organizationId;
  const isChild = input.isChild ?? (input.dateOfBirth ? isMinorOn(input.dateOfBirth, todayUtc()) : false);
  checkChildFields(input.dateOfBirth ?? null, isChild, !!input.guardian);
  checkNewVictimDates(input);
  return transact(ctx.db, async (trx) => {
    const warnings = await duplicateWarnings(trx, ctx, orgId, input, null);
    const reflection = input.jurisdiction ? rulesFor(input.jurisdiction).reflection.days : null;
    const row = await insertVictim(trx, {
      ...encryptedColumns(ctx.cipher, { ...input, isChild }),
      full_name_enc: ctx.cipher.encrypt(FIELD.fullName, input.fullName),
      preferred_language: input.preferredLanguage,
      is_child: isChild,
      safe_to_contact: input.contact?.safeToContact ?? false,
      consent_share_with_fund_agency: input.consent.shareWithFundAgency,
      consent_contact_by_email: input.consent.contactByEmail,
      organization_id: orgId,
      reference: await uniqueReference(trx),
      jurisdiction: input.jurisdiction ?? null,
      identified_on: input.jurisdiction ? (input.identifiedOn ?? todayUtc()) : null,
      reflection_days: reflection,
      witness_override: null,
      created_by: actor.userId,
      assignee_id: actor.userId,
    });
    await replaceDocumentIndex(trx, row.id, orgId, documentHashes(ctx.cipher, input.identityDocuments));
    await replaceNameIndex(trx, ctx.cipher, { id: row.id, organizationId: orgId, fullName: input.fullName });
    await recordAudit(trx, {
      actor,
      action: 'victim.create',
      resourceType: 'victim',
      resourceId: row.id,
      requestId,
      details: { fields: touchedFields(input), possibleDuplicates: warnings.length > 0 },
    });
    return { victim: rowToVictim(ctx.cipher, row), warnings };
  });
}

export async function updateVictim(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: VictimPatch,
  requestId: string,
): Promise<{ victim: Victim; warnings: Warning[] }> {
  return transact(ctx.db, async (trx) => {
    const { row, view } = await victimAccess(trx, actor, id, true);
    if (view !== 'full') throw new NotFoundError('victim');
    const current = rowToVictim(ctx.cipher, row);
    const dateOfBirth = patch.dateOfBirth ?? current.dateOfBirth;
    const isChild =
      patch.isChild ?? (patch.dateOfBirth ? isMinorOn(patch.dateOfBirth, todayUtc()) : current.isChild);
    checkChildFields(dateOfBirth, isChild, !!(patch.guardian ?? (isChild ? current.guardian : null)));
    await checkBirthDateChange(trx, row, patch.dateOfBirth);
    const warnings = patch.identityDocuments
      ? await duplicateWarnings(trx, ctx, row.organization_id, patch, id)
      : [];
    const { witness, ...fields } = patch;
    const columns = encryptedColumns(ctx.cipher, { ...fields, isChild });
    if (!isChild) columns.guardian_enc = null;
    if (witness) columns.witness_override = 'automatic' in witness ? null : witness.isWitness;
    let updated = await updateVictimRow(trx, id, columns);
    if (patch.identityDocuments)
      await replaceDocumentIndex(
        trx,
        id,
        row.organization_id,
        documentHashes(ctx.cipher, patch.identityDocuments),
      );
    if (patch.fullName !== undefined)
      await replaceNameIndex(trx, ctx.cipher, {
        id,
        organizationId: row.organization_id,
        fullName: patch.fullName,
      });
    if (witness) updated = await refreshWitness(trx, id, actor.userId);
    if (patch.dateOfBirth !== undefined || isChild !== row.is_child)
      await refreshVictimDeadlines(trx, ctx.cipher, updated);
    await recordAudit(trx, {
      actor,
      action: 'victim.update',
      resourceType: 'victim',
      resourceId: id,
      requestId,
      details: { fields: touchedFields(patch) },
    });
    return { victim: rowToVictim(ctx.cipher, updated), warnings };
  });
}
