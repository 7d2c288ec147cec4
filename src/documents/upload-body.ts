import express, { type Request, type Response } from 'express';

/**
 * Uploads carry the file itself as the request body, in its own Content-Type. The app's JSON
 * gate and parser leave these paths alone, and the route reads the body only after the caller
 * is authenticated and authorized, up to DOCUMENT_MAX_BYTES (over it: 413 payload-too-large).
 */
const UPLOAD_PATH = /^\/v1\/(victims|claims|disbursements)\/[^/]+(\/decisions\/[^/]+)?\/documents\/?$/;

export function isDocumentUpload(req: Request): boolean {
  return req.method === 'POST' && UPLOAD_PATH.test(req.originalUrl.split('?')[0] ?? '');
}

export async function readUploadBody(req: Request, res: Response, limit: number): Promise<Buffer> {
  const parse = express.raw({ type: () => true, limit });
  await new Promise<void>((resolve, reject) => {
    // body-parser's errors (413 entity.too.large, ...) carry what problemHandler maps
    void parse(req, res, (err?: Error) => (err ? reject(err) : resolve()));
  });
  const body: unknown = req.body;
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}
