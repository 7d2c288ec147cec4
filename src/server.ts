import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { createApp } from './app';
import { answerClientErrors } from './lib/client-errors';
import { buildRuntime } from './bootstrap';
import { superviseApiProcesses } from './cluster';
import { keepAliveDrain } from './lib/http-drain';
import { shareMetricsWithPrimary } from './lib/metrics';
import type { AppContext } from './context';
import { ConfigError, loadConfig } from './config';
import { ensureBootstrapAdmin } from './auth/bootstrap';
import { reindexVictimNames } from './victims/reindex';
import { jobsModeFor, startJobs } from '../jobs/start';
import { formatDemoLogins, seedDemoData, type DemoLogin } from '../db/seeds/demo';
import { seedDemoCaseworkFor } from '../db/seeds/demo-casework';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    // Prepare the database once, then run the API processes (src/cluster.ts).
    const { ctx, handle } = await buildRuntime(config);
    const logins = await prepareDatabase(ctx);
    if (logins.length > 0) await seedDemoCaseworkFor(ctx, createApp(ctx), logins);
    await handle.close();
    superviseApiProcesses(config.webConcurrency, ctx.logger, config.shutdownGraceMs);
    return;
  }
  const { ctx, handle } = await buildRuntime(config, { migrate: cluster.isPrimary });
  const logins = cluster.isPrimary ? await prepareDatabase(ctx) : [];
  if (!cluster.isPrimary) shareMetricsWithPrimary(ctx.metrics);
  // Without REDIS_URL jobs run here; with it this process still relays the outbox (see jobsModeFor).
  const jobs = startJobs(ctx, { mode: jobsModeFor(config, handle.kind) });
  const app = createApp(ctx);
  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    ctx.logger.info(
      { port, database: handle.kind, jobs: jobs.mode, pid: process.pid },
      `Redress listening on http://localhost:${port}`,
    );
  });
  answerClientErrors(server);
  // The demo's casework loads through the API while the service already answers (a minute on
  // a slow machine); its log line says when it is there.
  if (logins.length > 0)
    void seedDemoCaseworkFor(ctx, app, logins).catch((err: unknown) =>
      ctx.logger.warn({ err }, 'demo casework could not be loaded'),
    );
  const drain = keepAliveDrain(server);

  // Graceful shutdown: stop accepting, let in-flight requests finish (their connections close
  // behind them, see keepAliveDrain), then close pools.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      ctx.logger.warn('grace period over; closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownGraceMs);
    force.unref();
    server.close(() => {
      void jobs
        .stop()
        .then(() => handle.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
    drain.begin();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Once per start, whatever the number of API processes: the first admin and the demo logins. */
async function prepareDatabase(ctx: AppContext): Promise<DemoLogin[]> {
  await ensureBootstrapAdmin(ctx);
  const indexed = await reindexVictimNames(ctx);
  if (indexed > 0)
    ctx.logger.info({ victims: indexed }, 'indexed the names of victims that had no name index');
  if (!ctx.config.demoData) return [];
  const logins = await seedDemoData(ctx);
  if (logins.length > 0) process.stdout.write(formatDemoLogins(logins));
  return logins;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `Redress failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
