import type { Insertable, Selectable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { Owner } from './documents';
import type { DocumentsTable } from './documents.table';

export type DocumentRow = Selectable<DocumentsTable>;

export async function insertDocument(trx: Trx, row: Insertable<DocumentsTable>): Promise<DocumentRow> {
  return trx.insertInto('documents').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findDocument(q: Db | Trx, id: string, lock = false): Promise<DocumentRow | undefined> {
  const query = q.selectFrom('documents').selectAll().where('id', '=', id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

/** A claim's list holds its own documents and those of its decisions. */
export async function documentsOf(q: Db | Trx, owner: Owner, includeVoided: boolean): Promise<DocumentRow[]> {
  let query = q.selectFrom('documents').selectAll();
  switch (owner.kind) {
    case 'victim':
      query = query.where('victim_id', '=', owner.victimId);
      break;
    case 'claim':
      query = query.where('claim_id', '=', owner.claimId);
      break;
    case 'decision':
      query = query.where('decision_id', '=', owner.decisionId);
      break;
    case 'disbursement':
      query = query.where('disbursement_id', '=', owner.disbursementId);
      break;
  }
  if (!includeVoided) query = query.where('voided_at', 'is', null);
  return query.orderBy('uploaded_at').orderBy('id').execute();
}

export async function markVoided(trx: Trx, id: string, by: string, reasonEnc: string): Promise<DocumentRow> {
  return trx
    .updateTable('documents')
    .set({ voided_at: new Date(), voided_by: by, void_reason_enc: reasonEnc })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Links a claim's documents to the move that answered the fund's request for information. */
export async function markAnswers(
  trx: Trx,
  claimId: string,
  documentIds: string[],
  transitionId: string,
): Promise<string[]> {
  const rows = await trx
    .updateTable('documents')
    .set({ answers_transition_id: transitionId })
    .where('id', 'in', documentIds)
    .where('owner_kind', '=', 'claim')
    .where('claim_id', '=', claimId)
    .where('voided_at', 'is', null)
    .where('answers_transition_id', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function setWrappedKey(trx: Trx, id: string, keyId: string, wrappedKey: string): Promise<void> {
  await trx
    .updateTable('documents')
    .set({ key_id: keyId, wrapped_key: wrappedKey })
    .where('id', '=', id)
    .execute();
}

/** Documents whose data key is wrapped under another key than `activeKeyId`, a batch at a time. */
export async function wrappedUnderOtherKeys(
  trx: Trx,
  activeKeyId: string,
  limit: number,
): Promise<DocumentRow[]> {
  return trx
    .selectFrom('documents')
    .selectAll()
    .where('key_id', '<>', activeKeyId)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** The decision (a transition of this claim into `states`), if it is one. */
export async function findDecision(
  q: Db | Trx,
  claimId: string,
  decisionId: string,
): Promise<{ id: string; to_status: string } | undefined> {
  return q
    .selectFrom('claim_transitions')
    .select(['id', 'to_status'])
    .where('id', '=', decisionId)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
}

/** The PostgreSQL document store's blobs (see document-store.ts): ciphertext by document id. */
export async function insertDocumentContent(q: Db | Trx, id: string, ciphertext: Buffer): Promise<void> {
  await q.insertInto('document_contents').values({ id, ciphertext }).execute();
}

export async function findDocumentContent(q: Db | Trx, id: string): Promise<Buffer | null> {
  const row = await q
    .selectFrom('document_contents')
    .select('ciphertext')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.ciphertext ?? null;
}

export async function deleteDocumentContent(q: Db | Trx, id: string): Promise<void> {
  await q.deleteFrom('document_contents').where('id', '=', id).execute();
}
