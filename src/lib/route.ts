import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type Joi from 'joi';
import { actorOf, authenticate, authorize, type Actor, type Permission } from './auth';
import type { Db } from './db';
import { AppError, ValidationError } from './errors';
import type { Logger } from './logger';
import type { OpenApiRegistry, RouteDoc } from './openapi';
import { validateRequest, valid, type Validated } from './validate';
import './request';

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

/**
 * A route's request parts are typed by its joi schemas: `body: Joi.object<CreateFundInput, true>({...})`
 * makes `call.body` a `CreateFundInput`, and (with `true`, joi's strict map) a schema whose keys
 * or kinds drift from that interface stops compiling. A part without a schema is `unknown`.
 */
export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
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
  body?: Joi.ObjectSchema<B>;
  query?: Joi.ObjectSchema<Q>;
  params?: Joi.ObjectSchema<P>;
  /**
   * Body fields exempt from the central text rule because the service normalizes them and must
   * see even malformed ones (a status check counts every failed attempt, however it was typed).
   */
  rawText?: string[];
  responses: RouteDoc['responses'];
}

/** One validated request as a handler (and the service it calls) sees it. */
export interface Call<B = unknown, Q = unknown, P = unknown> {
  actor: Actor;
  requestId: string;
  ip: string;
  idempotencyKey: string | undefined;
  body: B;
  query: Q;
  params: P;
}

export type PublicCall<B = unknown, Q = unknown, P = unknown> = Omit<Call<B, Q, P>, 'actor'> & {
  actor: Actor | null;
};

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

export function callOf<B = unknown, Q = unknown, P = unknown>(
  req: Request,
  res: Response,
): PublicCall<B, Q, P> {
  const v: Validated = valid(req) ?? { body: req.body, query: req.query, params: req.params };
  return {
    actor: req.actor ?? null,
    requestId: String(res.getHeader('x-request-id') ?? ''),
    ip: req.ip ?? '',
    idempotencyKey: req.get('idempotency-key'),
    // The one place the parts take their types: validateRequest has just checked (and converted)
    // each against the schema the route declared with that type; a part without one stays unknown.
    body: v.body as B,
    query: v.query as Q,
    params: v.params as P,
  };
}

/**
 * Declares one endpoint: authentication, the permission check, validation and its OpenAPI
 * entry all come from the same spec, so docs and behaviour cannot drift apart.
 */
export function defineRoute<B = unknown, Q = unknown, P = unknown>(
  ctx: RouteContext,
  router: Router,
  spec: RouteSpec<B, Q, P>,
  handler: (call: Call<B, Q, P>, req: Request, res: Response) => Promise<void>,
): void;
export function defineRoute<B = unknown, Q = unknown, P = unknown>(
  ctx: RouteContext,
  router: Router,
  spec: RouteSpec<B, Q, P> & { permission: null },
  handler: (call: PublicCall<B, Q, P>, req: Request, res: Response) => Promise<void>,
): void;
export function defineRoute<B, Q, P>(
  ctx: RouteContext,
  router: Router,
  spec: RouteSpec<B, Q, P>,
  handler: (call: Call<B, Q, P>, req: Request, res: Response) => Promise<void>,
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
    const call = callOf<B, Q, P>(req, res);
    if (spec.permission) call.actor = actorOf(req);
    try {
      // the actor is set exactly when the spec names a permission: a public route's overload
      // hands its handler a PublicCall, whose actor may be null
      await handler(call as Call<B, Q, P>, req, res);
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
