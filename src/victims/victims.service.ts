import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { sameOrganization, type Actor } from '../lib/auth';
import { transact, type Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { rowToVictim } from './victims.mapper';
import { findVictim, lockVictim, victimHasClaimWithFundsOf, type VictimRow } from './victims.repository';
import { paymentView, type Victim, type VictimPaymentView } from './victims';

export type VictimView = 'full' | 'payment';

/**
 * Need-to-know: the owning organization's legal aid workers see everything; a fund
 * administrator sees a victim only through a State-fund claim with one of their funds, and then
 * only what a payment needs. Anyone else gets the same 404 as for a record that does not exist.
 */
export async function victimAccess(
  trx: Trx,
  actor: Actor,
  id: string,
  lock = false,
): Promise<{ row: VictimRow; view: VictimView }> {
  const row = lock ? await lockVictim(trx, id) : await findVictim(trx, id);
  if (row) {
    if (actor.role === 'legal_aid' && sameOrganization(actor, row.organization_id))
      return { row, view: 'full' };
    if (
      actor.role === 'fund_admin' &&
      actor.organizationId &&
      (await victimHasClaimWithFundsOf(trx, id, actor.organizationId))
    )
      return { row, view: 'payment' };
  }
  throw new NotFoundError('victim');
}

export async function getVictim(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<Victim | VictimPaymentView> {
  return transact(ctx.db, async (trx) => {
    const { row, view } = await victimAccess(trx, actor, id);
    await recordAudit(trx, {
      actor,
      action: 'victim.read',
      resourceType: 'victim',
      resourceId: id,
      requestId,
      details: { view },
    });
    const victim = rowToVictim(ctx.cipher, row);
    return view === 'full' ? victim : paymentView(victim);
  });
}
