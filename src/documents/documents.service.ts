import crypto from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import type { FieldCipher } from '../lib/crypto';
import { transact } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { DocumentTypeRefused, DocumentVoided } from './documents.errors';
import { sealContent } from './document-crypto';
import { documentStore } from './document-store';
import { cleanFilename, ownerIdOf, type DocumentKind, type DocumentView, type Owner } from './documents';
import { documentInReach, reachOwner } from './documents.access';
import { documentsOf, insertDocument, markVoided, type DocumentRow } from './documents.repository';
import { ACCEPTED_TYPES, sniffMediaType } from './sniff';

export const FILENAME_FIELD = 'document.filename';
const VOID_REASON_FIELD = 'document.void_reason';

export function rowToView(cipher: FieldCipher, row: DocumentRow): DocumentView {
  const ownerId =
    row.owner_kind === 'victim'
      ? row.victim_id
      : row.owner_kind === 'claim'
        ? row.claim_id
        : row.owner_kind === 'decision'
          ? row.decision_id
          : row.disbursement_id;
  return {
    id: row.id,
    ownerKind: row.owner_kind,
    ownerId: ownerId!,
    claimId: row.claim_id,
    kind: row.kind,
    filename: cipher.decrypt(FILENAME_FIELD, row.filename_enc),
    mediaType: row.media_type,
    sizeBytes: Number(row.size_bytes),
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    answersTransitionId: row.answers_transition_id,
    voided:
      row.voided_at && row.voided_by && row.void_reason_enc
        ? {
            at: row.voided_at.toISOString(),
            by: row.voided_by,
            reason: cipher.decrypt(VOID_REASON_FIELD, row.void_reason_enc),
          }
        : null,
  };
}

export interface UploadInput {
  kind: DocumentKind;
  filename: string;
  bytes: Buffer;
}

/**
 * Stores a file for a record within the caller's reach: its type found from its content, its
 * content encrypted under a key of its own, its name encrypted too. Audited (no name in the trail).
 */
export async function uploadDocument(
  ctx: AppContext,
  actor: Actor,
  owner: Owner,
  input: UploadInput,
  requestId: string,
): Promise<DocumentView> {
  if (input.bytes.length === 0)
    throw new ValidationError([{ path: 'body', message: 'send the file’s bytes as the request body' }]);
  const filename = cleanFilename(input.filename);
  if (!filename) throw new ValidationError([{ path: 'filename', message: 'filename names no file' }]);
  const mediaType = sniffMediaType(input.bytes);
  if (!mediaType)
    throw new DocumentTypeRefused(
      `The file’s content is not an accepted type (${ACCEPTED_TYPES}). The type is read from the content, not from the name or Content-Type.`,
    );
  const id = crypto.randomUUID();
  const sealed = sealContent(ctx.cipher, id, input.bytes);
  return transact(ctx.db, async (trx) => {
    await reachOwner(ctx, trx, actor, owner, true);
    const store = documentStore(ctx.config.documentStore, trx);
    await store.put(id, sealed.ciphertext);
    const row = await insertDocument(trx, {
      id,
      owner_kind: owner.kind,
      victim_id: owner.kind === 'victim' ? owner.victimId : null,
      claim_id: owner.kind === 'claim' || owner.kind === 'decision' ? owner.claimId : null,
      decision_id: owner.kind === 'decision' ? owner.decisionId : null,
      disbursement_id: owner.kind === 'disbursement' ? owner.disbursementId : null,
      kind: input.kind,
      filename_enc: ctx.cipher.encrypt(FILENAME_FIELD, filename),
      media_type: mediaType,
      size_bytes: String(input.bytes.length),
      store: store.name,
      key_id: sealed.keyId,
      wrapped_key: sealed.wrappedKey,
      content_iv: sealed.iv,
      content_tag: sealed.tag,
      uploaded_by: actor.userId,
      answers_transition_id: null,
      voided_at: null,
      voided_by: null,
      void_reason_enc: null,
    });
    await recordAudit(trx, {
      actor,
      action: 'document.create',
      resourceType: 'document',
      resourceId: id,
      requestId,
      details: {
        ownerKind: owner.kind,
        ownerId: ownerIdOf(owner),
        kind: input.kind,
        mediaType,
        sizeBytes: input.bytes.length,
      },
    });
    return rowToView(ctx.cipher, row);
  });
}

/** A record's documents, oldest first. File names identify: the read is audited. */
export async function listDocuments(
  ctx: AppContext,
  actor: Actor,
  owner: Owner,
  includeVoided: boolean,
  requestId: string,
): Promise<{ items: DocumentView[] }> {
  return transact(ctx.db, async (trx) => {
    await reachOwner(ctx, trx, actor, owner, false);
    const rows = await documentsOf(trx, owner, includeVoided);
    await recordAudit(trx, {
      actor,
      action: 'document.list',
      resourceType: owner.kind,
      resourceId: ownerIdOf(owner),
      requestId,
      details: { returned: rows.length, includeVoided },
    });
    return { items: rows.map((r) => rowToView(ctx.cipher, r)) };
  });
}

export async function describeDocument(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<DocumentView> {
  return transact(ctx.db, async (trx) => {
    const row = await documentInReach(ctx, trx, actor, id, false);
    await recordAudit(trx, {
      actor,
      action: 'document.describe',
      resourceType: 'document',
      resourceId: id,
      requestId,
    });
    return rowToView(ctx.cipher, row);
  });
}

/**
 * Voids a document (a wrong file, the wrong victim): its record stays, with who and why, and
 * its content is deleted from the store — an ID copy uploaded by mistake must not linger.
 */
export async function voidDocument(
  ctx: AppContext,
  actor: Actor,
  id: string,
  reason: string,
  requestId: string,
): Promise<DocumentView> {
  return transact(ctx.db, async (trx) => {
    const row = await documentInReach(ctx, trx, actor, id, true);
    if (row.voided_at) throw new DocumentVoided('The document was already voided.');
    const voided = await markVoided(trx, id, actor.userId, ctx.cipher.encrypt(VOID_REASON_FIELD, reason));
    await documentStore(row.store, trx).delete(id);
    await recordAudit(trx, {
      actor,
      action: 'document.void',
      resourceType: 'document',
      resourceId: id,
      requestId,
      details: { ownerKind: row.owner_kind },
    });
    return rowToView(ctx.cipher, voided);
  });
}
