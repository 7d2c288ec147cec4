import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type Joi from 'joi';
import { actorOf, authenticate, authorize, type Actor, type Permission } from './auth';
import type { Db } from './db';
import { AppError, ValidationError } from './errors';
import type { Logger } from './logger';
import type { OpenApiRegistry, RouteDoc } from './openapi';
import { validateRequest, valid, type Validated } from './validate';

/** The part of the app's context a route needs; AppContext has it all. */
export interface RouteContext {
  db: Db;
  logger: Logger;
  openapi: OpenApiRegistry;
  routeHooks: RouteHooks;
}

/**
 * What the audit trail wants to hear about refused requests. Passed in through the context so
 * lib/ does not import the audit domain; each hook gets the context the route was defined with.
 */
export interface RouteHooks {
  /** A refused permission check: must not throw (the caller still gets its 403). */
  onDenied(
    ctx: Pick<RouteContext, 'db' | 'logger'>,
    actor: Actor,
    permission: Permission,
    requestId: string | null,
  ): Promise<void>;
  /** An authenticated route answered 404: the record may exist outside the caller's reach. */
  onOutOfReach(
    ctx: Pick<RouteContext, 'db' | 'logger'>,
    route: { path: string; permission: Permission },
    actor: Actor,
    params: { id?: unknown },
    requestId: string,
  ): Promise<void>;
}

export interface RouteSpec {
  method: RouteDoc['method'];
  path: string;
  summary: string;
  tags: string[];
  /** null: public (no token). Otherwise the permission-table entry the caller's role needs. */
  permission: Permission | null;
  /** Money-moving POSTs: an Idempotency-Key header is required. */
  idempotent?: boolean;
  /** Takes `?preview=true` (a dry run that changes nothing): then no Idempotency-Key is needed. */
  previewable?: boolean;
  body?: Joi.Schema;
  query?: Joi.Schema;
  params?: Joi.Schema;
  /**
   * Body fields exempt from the central text rule because the service normalizes them and must
   * see even malformed ones (a status check counts every failed attempt, however it was typed).
   */
  rawText?: string[];
  responses: RouteDoc['responses'];
}

export interface Call {
  actor: Actor;
  requestId: string;
  ip: string;
  idempotencyKey: string | undefined;
  body: any;
  query: any;
  params: any;
}

export type PublicCall = Omit<Call, 'actor'> & { actor: Actor | null };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function requireIdempotencyKey(req: Request, _res: Response, next: NextFunction): void {
  const key = req.get('idempotency-key');
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    next(
      new ValidationError([
        {
          path: 'Idempotency-Key',
          message: 'header is required: 1-255 printable characters, unique per operation',
        },
      ]),
    );
    return;
  }
  next();
}

export function callOf(req: Request, res: Response): PublicCall {
  const v: Validated = valid(req) ?? { body: req.body, query: req.query, params: req.params };
  return {
    actor: ((req as any).actor as Actor | undefined) ?? null,
    requestId: String(res.getHeader('x-request-id') ?? ''),
    ip: req.ip ?? '',
    idempotencyKey: req.get('idempotency-key'),
    body: v.body,
    query: v.query,
    params: v.params,
  };
}

/**
 * Declares one endpoint: authentication, the permission check, validation and its OpenAPI
 * entry all come from the same spec, so docs and behaviour cannot drift apart.
 */
export function defineRoute(
  ctx: RouteContext,
  router: Router,
  spec: RouteSpec,
  handler: (call: Call, req: Request, res: Response) => Promise<void>,
): void;
export function defineRoute(
  ctx: RouteContext,
  router: Router,
  spec: RouteSpec & { permission: null },
  handler: (call: PublicCall, req: Request, res: Response) => Promise<void>,
): void;
export function defineRoute(
  ctx: RouteContext,
  router: Router,
  spec: RouteSpec,
  handler: (call: any, req: Request, res: Response) => Promise<void>,
): void {
  ctx.openapi.add({ ...spec, idempotent: spec.idempotent ?? false });
  const chain: RequestHandler[] = [];
  if (spec.permission)
    chain.push(
      authenticate(ctx.db),
      authorize(spec.permission, (actor, permission, requestId) =>
        ctx.routeHooks.onDenied(ctx, actor, permission, requestId),
      ),
    );
  if (spec.idempotent)
    chain.push(
      spec.previewable
        ? (req, res, next) => (req.query.preview === 'true' ? next() : requireIdempotencyKey(req, res, next))
        : requireIdempotencyKey,
    );
  chain.push(validateRequest({ body: spec.body, query: spec.query, params: spec.params }, spec.rawText));
  chain.push(async (req, res) => {
    const call = callOf(req, res);
    if (spec.permission) call.actor = actorOf(req);
    try {
      await handler(call, req, res);
    } catch (err) {
      if (spec.permission && err instanceof AppError && err.kind === 'not-found')
        await ctx.routeHooks.onOutOfReach(
          ctx,
          { path: spec.path, permission: spec.permission },
          call.actor!,
          call.params ?? {},
          call.requestId,
        );
      throw err;
    }
  });
  router[spec.method](spec.path, ...chain);
}
