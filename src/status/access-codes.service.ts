import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { sameOrganization, type Actor } from '../lib/auth';
import { transact, type Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { normalizeLanguage } from '../lib/i18n';
import { findVictim, lockVictim } from '../victims/victims.repository';
import { newAccessCode } from './status';
import { renderCard } from './status.card';
import {
  deletePairGuards,
  findAccessCodeIssue,
  pairLocks,
  readGuards,
  replaceAccessCode,
  resetTotalFailures,
} from './status.repository';
import { hashAccessCode, pairKeyPrefix, referenceKey } from './status.service';

export interface IssuedAccessCode {
  reference: string;
  accessCode: string;
  cardHtml: string;
}

export interface AccessCodeSummary {
  issuedAt: string | null;
  /** Failed checks of this reference since the code was issued, from any address. */
  failedAttempts: number;
  lastFailedAttemptAt: string | null;
  /** Client addresses now locked out of this reference (never the victim's own, unless they failed). */
  lockedAddresses: number;
  /** When the last of those locks ends. */
  lockedUntil: string | null;
}

/** Only the victim's own legal aid office may manage the code; anyone else sees no victim. */
async function ownVictim(trx: Trx, actor: Actor, victimId: string, lock: boolean) {
  const row = lock ? await lockVictim(trx, victimId) : await findVictim(trx, victimId);
  if (!row || actor.role !== 'legal_aid' || !sameOrganization(actor, row.organization_id))
    throw new NotFoundError('victim');
  return row;
}

/**
 * Issues a new code, which replaces (and so revokes) the previous one. The clear code exists
 * only in this response; the database keeps its keyed hash.
 */
export async function issueAccessCode(
  ctx: AppContext,
  actor: Actor,
  victimId: string,
  requestId: string,
): Promise<IssuedAccessCode> {
  const accessCode = newAccessCode();
  return transact(ctx.db, async (trx) => {
    const victim = await ownVictim(trx, actor, victimId, true);
    const replaced = (await findAccessCodeIssue(trx, victimId)) !== null;
    await replaceAccessCode(trx, victimId, hashAccessCode(ctx, victimId, accessCode), actor.userId);
    await resetTotalFailures(trx, referenceKey(victim.reference));
    // a new code is a fresh start: no address stays locked out of the reference
    await deletePairGuards(trx, pairKeyPrefix(victim.reference));
    await recordAudit(trx, {
      actor,
      action: 'victim.access_code.issue',
      resourceType: 'victim',
      resourceId: victimId,
      requestId,
      details: { replacedPrevious: replaced },
    });
    const url = `${ctx.config.publicUrl.replace(/\/+$/, '')}/status`;
    return {
      reference: victim.reference,
      accessCode,
      cardHtml: renderCard(normalizeLanguage(victim.preferred_language), {
        reference: victim.reference,
        accessCode,
        url,
      }),
    };
  });
}

/** When the code was issued and how guessing at it went (so the worker sees attempts); never the code. */
export async function accessCodeSummary(
  ctx: AppContext,
  actor: Actor,
  victimId: string,
): Promise<AccessCodeSummary> {
  return transact(ctx.db, async (trx) => {
    const victim = await ownVictim(trx, actor, victimId, false);
    const issuedAt = await findAccessCodeIssue(trx, victimId);
    const key = referenceKey(victim.reference);
    const guard = (await readGuards(trx, [key])).get(key);
    const locks = await pairLocks(trx, pairKeyPrefix(victim.reference), new Date());
    return {
      issuedAt: issuedAt?.toISOString() ?? null,
      failedAttempts: guard?.totalFailures ?? 0,
      lastFailedAttemptAt: guard?.lastFailureAt?.toISOString() ?? null,
      lockedAddresses: locks.addresses,
      lockedUntil: locks.until?.toISOString() ?? null,
    };
  });
}
