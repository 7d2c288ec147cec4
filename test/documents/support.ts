import crypto from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import type { TestApp } from '../helpers/test-app';

/** A file that reads as a PDF by its first bytes: `%PDF-`, the marker, then `size` random bytes. */
export function pdfBytes(size: number, marker = ''): Buffer {
  return Buffer.concat([Buffer.from(`%PDF-1.7\n% ${marker}\n`), crypto.randomBytes(size)]);
}

/** A tiny valid PNG header and some bytes after it (sniffing reads the signature). */
export function pngBytes(): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    crypto.randomBytes(256),
  ]);
}

/** A Windows executable (MZ ... PE) whatever it is called. */
export function exeBytes(): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

export function upload(
  app: TestApp | Express,
  user: TestUser,
  path: string,
  bytes: Buffer,
  query: Record<string, string> = { kind: 'judgment', filename: 'judgment.pdf' },
  contentType = 'application/pdf',
) {
  return request('app' in app ? app.app : app)
    .post(path)
    .query(query)
    .set('Authorization', user.authHeader)
    .set('Content-Type', contentType)
    .send(bytes);
}

/** The response body as the exact bytes sent (supertest would parse or decode it otherwise). */
export function download(t: TestApp, user: TestUser, documentId: string) {
  return request(t.app)
    .get(`/v1/documents/${documentId}/content`)
    .set('Authorization', user.authHeader)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

export async function documentRows(t: TestApp): Promise<{ documents: number; contents: number }> {
  const count = async (table: 'documents' | 'document_contents') =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { documents: await count('documents'), contents: await count('document_contents') };
}
