import type { Express } from 'express';
import type { AppContext } from './context';
import { ServiceUnavailableError } from './lib/errors';
import { metricsText } from './lib/metrics';
import { queueHealth } from './notifications/queue-health';
import { pingDatabase } from './operations.repository';

const VERSION = '1.0.0';

export function registerOperationsRoutes(ctx: AppContext, app: Express): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ok = true;
    const all: Record<string, () => Promise<void>> = {
      database: () => pingDatabase(ctx.db),
      ...ctx.readinessChecks,
    };
    await Promise.all(
      Object.entries(all).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          checks[name] = 'ok';
        } catch (err) {
          ok = false;
          checks[name] = err instanceof Error ? err.message : 'failed';
        }
      }),
    );
    // Queue health is reported, not judged: a backlog is the workers' problem, and taking this
    // API process out of the load balancer would not help it drain.
    const queues = await withTimeout(queueHealth(ctx), 2000).catch(() => undefined);
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ready' : 'not ready', checks, ...(queues && { queues }) });
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(ctx.metrics.registry.contentType).send(await metricsText(ctx.metrics));
    } catch (err) {
      next(new ServiceUnavailableError(err instanceof Error ? err.message : String(err)));
    }
  });

  app.get('/openapi.json', (_req, res) => {
    res.json(ctx.openapi.document(VERSION));
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new ServiceUnavailableError(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
