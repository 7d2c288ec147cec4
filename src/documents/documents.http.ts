import type { Request, Router } from 'express';
import type Joi from 'joi';
import type { AppContext } from '../context';
import { defineRoute } from '../lib/route';
import type { Owner } from './documents';
import { downloadDocument } from './documents.download';
import {
  decisionParams,
  documentList,
  documentResponse,
  idParams,
  listQuery,
  uploadQuery,
  voidBody,
  type DecisionParams,
  type IdParams,
} from './documents.schemas';
import { describeDocument, listDocuments, uploadDocument, voidDocument } from './documents.service';
import { readUploadBody } from './upload-body';

const tags = ['Documents'];

interface OwnerRoutes<P> {
  path: string;
  what: string;
  params: Joi.ObjectSchema<P>;
  owner(params: P): Owner;
}

const victimOwner: OwnerRoutes<IdParams> = {
  path: '/v1/victims/:id/documents',
  what: 'a victim (legal aid of the victim’s office only)',
  params: idParams,
  owner: (p) => ({ kind: 'victim', victimId: p.id }),
};
const claimOwner: OwnerRoutes<IdParams> = {
  path: '/v1/claims/:id/documents',
  what: 'a claim (listing also shows its decisions’ documents)',
  params: idParams,
  owner: (p) => ({ kind: 'claim', claimId: p.id }),
};
const decisionOwner: OwnerRoutes<DecisionParams> = {
  path: '/v1/claims/:id/decisions/:decisionId/documents',
  what: 'a decision of a claim (its history entry `id` that moved it to an outcome)',
  params: decisionParams,
  owner: (p) => ({ kind: 'decision', claimId: p.id, decisionId: p.decisionId }),
};
const disbursementOwner: OwnerRoutes<IdParams> = {
  path: '/v1/disbursements/:id/documents',
  what: 'a disbursement (the paying fund’s administrators)',
  params: idParams,
  owner: (p) => ({ kind: 'disbursement', disbursementId: p.id }),
};

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function registerOwnerRoutes<P>(ctx: AppContext, router: Router, o: OwnerRoutes<P>): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: o.path,
      summary: `Attach a file to ${o.what}. The body is the file itself (any Content-Type, at most DOCUMENT_MAX_BYTES, else 413); its type is read from its content (PDF, images, office documents; anything else 415 document-type-refused). Stored encrypted.`,
      tags,
      permission: 'documents:write',
      params: o.params,
      query: uploadQuery,
      responses: { 201: { description: 'The document', schema: documentResponse } },
    },
    async (call, req: Request, res) => {
      const bytes = await readUploadBody(req, res, ctx.config.documentMaxBytes);
      const view = await uploadDocument(
        ctx,
        call.actor,
        o.owner(call.params),
        { ...call.query, bytes },
        call.requestId,
      );
      res.status(201).json(view);
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: o.path,
      summary: `The documents of ${o.what}, oldest first (audited: file names identify)`,
      tags,
      permission: 'documents:read',
      params: o.params,
      query: listQuery,
      responses: { 200: { description: 'The documents', schema: documentList } },
    },
    async (call, _req, res) => {
      res.json(
        await listDocuments(ctx, call.actor, o.owner(call.params), call.query.includeVoided, call.requestId),
      );
    },
  );
}

export function registerDocumentRoutes(ctx: AppContext, router: Router): void {
  registerOwnerRoutes(ctx, router, victimOwner);
  registerOwnerRoutes(ctx, router, claimOwner);
  registerOwnerRoutes(ctx, router, decisionOwner);
  registerOwnerRoutes(ctx, router, disbursementOwner);

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/documents/:id',
      summary: 'A document’s description (who may see it: as for the record it belongs to)',
      tags,
      permission: 'documents:read',
      params: idParams,
      responses: { 200: { description: 'The document', schema: documentResponse } },
    },
    async (call, _req, res) => {
      res.json(await describeDocument(ctx, call.actor, call.params.id, call.requestId));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/documents/:id/content',
      summary:
        'Download the file, byte for byte as uploaded (an audited identity read). Content that fails its integrity check is never served: 409 document-integrity-failed.',
      tags,
      permission: 'documents:read',
      params: idParams,
      responses: {
        200: { description: 'The file, in its detected media type', contentType: 'application/octet-stream' },
      },
    },
    async (call, _req, res) => {
      const file = await downloadDocument(ctx, call.actor, call.params.id, call.requestId);
      res.status(200);
      res.setHeader('Content-Type', file.mediaType);
      res.setHeader('Content-Length', String(file.content.length));
      res.setHeader('Content-Disposition', contentDisposition(file.filename));
      res.end(file.content);
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/documents/:id/void',
      summary:
        'Void a document attached by mistake, with a reason: its record stays (who, when, why), its content is deleted',
      tags,
      permission: 'documents:write',
      params: idParams,
      body: voidBody,
      responses: { 200: { description: 'The voided document', schema: documentResponse } },
    },
    async (call, _req, res) => {
      res.json(await voidDocument(ctx, call.actor, call.params.id, call.body.reason, call.requestId));
    },
  );
}
