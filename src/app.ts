import crypto from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { AppContext } from './context';
import { inDbLane } from './lib/db-lanes';
import { AppError, notFoundHandler, problemHandler } from './lib/errors';
import { sealAuditAfterResponse } from './audit/audit.http';
import { isDocumentUpload } from './documents/upload-body';
import { registerOperationsRoutes } from './operations.http';
import { registerDomainRoutes } from './routes';
import { registerConsoleRoutes } from './console/console.http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Builds the Express app without listening: the server and the tests share it. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    res.setHeader('x-request-id', id);
    next();
  });
  // Reads keep connections of their own (DB_POOL_READ_RESERVE): writes queued on a locked
  // fund cannot starve them. Everything but GET and HEAD counts as a write.
  app.use((req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') inDbLane('read', next);
    else next();
  });
  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (_req, res) => String(res.getHeader('x-request-id')),
      customProps: (_req, res) => ({ requestId: res.getHeader('x-request-id') }),
      // Paths only: query strings and bodies may carry references or codes.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use((req, res, next) => {
    const end = ctx.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      end({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  });
  // Security headers on everything, the API explorer at /docs included.
  app.use(helmet());
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' } }));
  // Any /v1 answer may carry identity data (or say whether a record exists): no cache keeps it.
  app.use('/v1', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  // The API speaks JSON only: a body of any other type is refused before it is parsed.
  app.use('/v1', (req, _res, next) => {
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json') && !isDocumentUpload(req)) {
      next(new AppError('unsupported-media-type', 'Send the body as application/json.'));
      return;
    }
    next();
  });
  const json = express.json({ limit: ctx.config.bodyLimitBytes, strict: true });
  // A document upload's body is the file, read by its route once the caller is authorized.
  app.use('/v1', (req, res, next) => (isDocumentUpload(req) ? next() : json(req, res, next)));
  // After the body is read (a stream's events do not carry the request's context): writes for
  // one fund may not take every writer connection (see db-lanes.ts).
  app.use('/v1/funds/:id', (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') next();
    else inDbLane('write', next, req.params.id);
  });
  // Audit events are chained after they commit; nudge the sealer once the response is out.
  app.use('/v1', sealAuditAfterResponse(ctx));

  registerOperationsRoutes(ctx, app);
  registerDomainRoutes(ctx, app);
  registerConsoleRoutes(ctx, app);

  app.use(notFoundHandler);
  app.use(problemHandler(ctx.logger));
  return app;
}
