import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { DocumentIntegrityFailed, DocumentVoided } from './documents.errors';
import { DocumentIntegrityError, keyIdOf, openContent, rewrapKey } from './document-crypto';
import { documentStore } from './document-store';
import { documentInReach } from './documents.access';
import { setWrappedKey, wrappedUnderOtherKeys } from './documents.repository';
import { FILENAME_FIELD } from './documents.service';
import { downloadName } from './sniff';

export interface Download {
  filename: string;
  mediaType: string;
  content: Buffer;
}

/**
 * The decrypted file: an identity read, audited in the same transaction as the read. Content
 * that fails its authentication check is never served, not even in part; the failure is
 * audited and logged, and the caller gets `document-integrity-failed`.
 */
export async function downloadDocument(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<Download> {
  const result = await transact(ctx.db, async (trx) => {
    const row = await documentInReach(ctx, trx, actor, id, false);
    if (row.voided_at)
      throw new DocumentVoided('The document was voided and its content deleted; nothing can be downloaded.');
    const ciphertext = await documentStore(row.store, trx).get(id);
    let content: Buffer | null = null;
    let failure: string | null = null;
    try {
      if (!ciphertext)
        throw new DocumentIntegrityError(`its content is missing from the '${row.store}' store`);
      content = openContent(ctx.cipher, id, {
        ciphertext,
        iv: row.content_iv,
        tag: row.content_tag,
        wrappedKey: row.wrapped_key,
      });
    } catch (err) {
      if (!(err instanceof DocumentIntegrityError)) throw err;
      failure = err.message;
    }
    await recordAudit(trx, {
      actor,
      action: 'document.read',
      resourceType: 'document',
      resourceId: id,
      requestId,
      outcome: failure ? 'failure' : 'success',
      details: { ownerKind: row.owner_kind, ...(failure ? { failure: 'integrity' } : {}) },
    });
    return { row, content, failure };
  });
  const { row, content, failure } = result;
  if (failure || !content) {
    ctx.logger.error(
      { documentId: id, store: row.store, keyId: row.key_id, requestId },
      `document failed its integrity check: ${failure}`,
    );
    throw new DocumentIntegrityFailed(
      `Document ${id} cannot be served: ${failure}. Nothing of it was sent; the failure is logged. Restore it from a backup or upload it again.`,
    );
  }
  return {
    filename: downloadName(ctx.cipher.decrypt(FILENAME_FIELD, row.filename_enc), row.media_type),
    mediaType: row.media_type,
    content,
  };
}

/**
 * Key rotation for documents: with a new key prepended to PII_KEYS, re-wraps every data key
 * still under an older key. Content is never re-encrypted (its data key does not change), so
 * this is quick at any volume; run it, then an old key may leave the ring once fields no longer
 * need it either. A key that does not unwrap (its PII key already gone) is counted, not fixed.
 */
export async function rewrapDocumentKeys(
  ctx: Pick<AppContext, 'db' | 'cipher' | 'logger'>,
  batchSize = 200,
): Promise<{ rewrapped: number; failed: string[] }> {
  const active = ctx.cipher.activeKeyId;
  const failed: string[] = [];
  let rewrapped = 0;
  for (;;) {
    const done = await transact(ctx.db, async (trx) => {
      const rows = (await wrappedUnderOtherKeys(trx, active, batchSize + failed.length)).filter(
        (r) => !failed.includes(r.id),
      );
      for (const row of rows) {
        try {
          const wrapped = rewrapKey(ctx.cipher, row.id, row.wrapped_key);
          await setWrappedKey(trx, row.id, keyIdOf(wrapped), wrapped);
          rewrapped++;
        } catch (err) {
          if (!(err instanceof DocumentIntegrityError)) throw err;
          ctx.logger.error({ documentId: row.id, keyId: row.key_id }, err.message);
          failed.push(row.id);
        }
      }
      if (rows.length > 0)
        await recordAudit(trx, {
          actor: null,
          action: 'document.rewrap_keys',
          resourceType: 'document',
          details: { keyId: active, documents: rows.length },
        });
      return rows.length === 0;
    });
    if (done) return { rewrapped, failed };
  }
}
