import type { Trx } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { markAnswers } from './documents.repository';

/**
 * A State-fund claim's answer to a request for information (its move out of `info_requested`)
 * may send documents already attached to the claim: they are marked as that answer, so the
 * fund's administrators find them with the move that brought them. Each must be this claim's
 * own, not voided, and not sent with an earlier answer; otherwise nothing moves.
 */
export async function sendWithAnswer(
  trx: Trx,
  claimId: string,
  transitionId: string,
  documentIds: string[],
): Promise<void> {
  const unique = [...new Set(documentIds)];
  const marked = await markAnswers(trx, claimId, unique, transitionId);
  const missing = unique.filter((id) => !marked.includes(id));
  if (missing.length > 0)
    throw new ValidationError(
      missing.map((id) => ({
        path: `documentIds[${documentIds.indexOf(id)}]`,
        message: `document ${id} is not a document of this claim that can be sent (voided, sent before, or not attached to the claim)`,
      })),
    );
}
