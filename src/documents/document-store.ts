import type { Config } from '../config';
import type { Db, Trx } from '../lib/db';
import { deleteDocumentContent, findDocumentContent, insertDocumentContent } from './documents.repository';

/**
 * Where encrypted document content lives: opaque blobs by id, nothing else. The metadata (and
 * every key) stays in PostgreSQL; a store sees only ciphertext. The default keeps blobs in
 * PostgreSQL itself (`document_contents`), bound to the caller's transaction so content and
 * metadata commit or roll back together. An S3-compatible store can implement the same three
 * calls later (then a failed transaction leaves an orphan blob for a sweep to delete, which is
 * harmless: its key is gone with the metadata row).
 */
export interface DocumentStore {
  /** Recorded with each document, so a later change of store still knows where old content is. */
  readonly name: string;
  put(id: string, ciphertext: Buffer): Promise<void>;
  get(id: string): Promise<Buffer | null>;
  delete(id: string): Promise<void>;
}

export type DocumentStoreName = Config['documentStore'];

export function postgresDocumentStore(q: Db | Trx): DocumentStore {
  return {
    name: 'postgres',
    put: (id, ciphertext) => insertDocumentContent(q, id, ciphertext),
    get: (id) => findDocumentContent(q, id),
    delete: (id) => deleteDocumentContent(q, id),
  };
}

/** The store named `name` (a document's own, or the configured one for new uploads). */
export function documentStore(name: string, q: Db | Trx): DocumentStore {
  switch (name) {
    case 'postgres':
      return postgresDocumentStore(q);
    default:
      throw new Error(`unknown document store '${name}'`);
  }
}
