import type { Trx } from '../lib/db';

/**
 * A claim's answer to a request for information (its move out of `info_requested`) may send
 * documents already attached to the claim. Documents build on claims, so claims cannot call
 * them: the composition root passes in this one capability (context `infoAnswers`), which marks
 * the documents as sent with that move, or refuses (ValidationError) so the move rolls back.
 */
export interface InfoAnswerDocuments {
  send(trx: Trx, claimId: string, transitionId: string, documentIds: string[]): Promise<void>;
}
