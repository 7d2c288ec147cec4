import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import type { AppContext } from '../../context';
import { downloadDocument } from '../../documents/documents.download';
import { idParams, uploadQuery } from '../../documents/documents.schemas';
import { uploadDocument } from '../../documents/documents.service';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { consoleAction, consolePage } from '../console-route';
import { showVictim } from './victim.page';
import { victimIdOf } from './victim-id';

/** Set by the multipart parser when the file was over the limit (the form is shown again). */
const TOO_LARGE = 'uploadTooLarge';

/**
 * Reads the multipart form into memory, at most the API's document limit. The hidden fields come
 * before the file in the form, so the CSRF token is read even when the file is refused. The
 * file's own name becomes the API's `filename` (browsers send UTF-8 names; multer reads latin1).
 */
function multipart(ctx: AppContext) {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: ctx.config.documentMaxBytes, files: 1, fields: 10 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err: unknown) => {
      req.body ??= {};
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
        res.locals[TOO_LARGE] = true;
        next();
        return;
      }
      if (err) {
        next(err);
        return;
      }
      const body = req.body as Record<string, unknown>;
      if (req.file) body.filename = Buffer.from(req.file.originalname, 'latin1').toString('utf8');
      next();
    });
  };
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A victim's documents: upload (multipart form) and download (streamed, an audited read). */
export function registerDocumentPages(ctx: AppContext, router: Router): void {
  consoleAction(ctx, router, {
    path: '/victims/:id/documents',
    permission: 'documents:write',
    schema: uploadQuery,
    before: [multipart(ctx)],
    run: async (call, input) => {
      const id = victimIdOf(call);
      const file = call.req.file;
      if (!file) throw new ValidationError([{ path: 'filename', message: 'choose a file' }]);
      const document = await uploadDocument(
        call.ctx,
        call.actor,
        { kind: 'victim', victimId: id },
        { kind: input.kind, filename: input.filename, bytes: file.buffer },
        call.requestId,
      );
      return {
        redirect: `/console/victims/${id}#documents`,
        flash: { key: 'document.upload.done', vars: { filename: document.filename } },
      };
    },
    reshow: async (call, problem) => {
      if (call.res.locals[TOO_LARGE] === true) {
        const message = call.t('document.upload.tooLarge');
        await showVictim(call, { ...problem, status: 413, summary: message, fields: { filename: message } });
        return;
      }
      if (problem.fields.filename && !call.req.file)
        problem.fields.filename = call.t('document.upload.noFile');
      await showVictim(call, problem);
    },
  });

  consolePage(ctx, router, { path: '/documents/:id/content', permission: 'documents:read' }, async (call) => {
    const checked = idParams.validate({ id: call.params.id });
    if (checked.error) throw new NotFoundError('document');
    const file = await downloadDocument(call.ctx, call.actor, checked.value.id, call.requestId);
    call.res.status(200).set({
      'Content-Type': file.mediaType,
      'Content-Length': String(file.content.length),
      'Content-Disposition': contentDisposition(file.filename),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    call.res.end(file.content);
  });
}
