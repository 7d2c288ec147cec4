import { claimFor } from '../claims/claims.access';
import { decisionFor } from '../claims/decisions.access';
import type { AppContext } from '../context';
import { disbursementInReach } from '../disbursements/disbursements.access';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { victimAccess } from '../victims/victims.service';
import type { Owner } from './documents';
import { findDocument, type DocumentRow } from './documents.repository';

/**
 * Need-to-know for documents is that of the record they belong to: a victim's documents are
 * for the legal aid workers of the victim's organization (a fund administrator's payment view
 * of a victim does not include them); a claim's and its decisions' documents for whoever sees
 * the claim (the legal aid office, and for a State-fund claim the fund's administrators); a
 * disbursement's for the paying fund's administrators. Auditors hold no document permission.
 * Outside that reach the owner is a 404, as for the record itself.
 */
export async function reachOwner(
  ctx: AppContext,
  trx: Trx,
  actor: Actor,
  owner: Owner,
  write: boolean,
): Promise<void> {
  switch (owner.kind) {
    case 'victim': {
      const { view } = await victimAccess(trx, actor, owner.victimId);
      if (view !== 'full') throw new NotFoundError('victim');
      return;
    }
    case 'claim':
      await claimFor(trx, actor, owner.claimId);
      return;
    case 'decision':
      await decisionFor(trx, actor, owner.claimId, owner.decisionId);
      return;
    case 'disbursement':
      await disbursementInReach(ctx, trx, actor, owner.disbursementId, write);
      return;
  }
}

export function ownerOf(row: DocumentRow): Owner {
  switch (row.owner_kind) {
    case 'victim':
      return { kind: 'victim', victimId: row.victim_id! };
    case 'claim':
      return { kind: 'claim', claimId: row.claim_id! };
    case 'decision':
      return { kind: 'decision', claimId: row.claim_id!, decisionId: row.decision_id! };
    case 'disbursement':
      return { kind: 'disbursement', disbursementId: row.disbursement_id! };
  }
}

/** The document, if its owner is within reach; else the 404 of a document that does not exist. */
export async function documentInReach(
  ctx: AppContext,
  trx: Trx,
  actor: Actor,
  id: string,
  write: boolean,
): Promise<DocumentRow> {
  const row = await findDocument(trx, id, write);
  if (!row) throw new NotFoundError('document');
  await reachOwner(ctx, trx, actor, ownerOf(row), write).catch((err: unknown) => {
    throw err instanceof NotFoundError ? new NotFoundError('document') : err;
  });
  return row;
}
