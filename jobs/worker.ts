import { buildRuntime } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config';
import { startJobs } from './start';

/**
 * `npm run worker`: relays the outbox into Bull and runs every job. Stateless: run as many as
 * the load needs, next to any number of API processes.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const missing = [
    !config.redisUrl &&
      '  REDIS_URL: is required by the worker (without Redis, `npm start` runs jobs itself)',
    !config.databaseUrl &&
      '  DATABASE_URL: is required by the worker (the embedded database belongs to the `npm start` process)',
  ].filter((line): line is string => typeof line === 'string');
  if (missing.length > 0) throw new ConfigError(`Invalid configuration:\n${missing.join('\n')}`);

  const { ctx, handle } = await buildRuntime(config);
  const jobs = startJobs(ctx, { mode: 'worker' });
  ctx.logger.info(
    { queuePrefix: config.queuePrefix, concurrency: config.jobConcurrency },
    'Redress worker started',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, 'worker shutting down');
    // Running jobs get the grace period; past it (plus a margin to close pools) exit anyway.
    const force = setTimeout(() => {
      ctx.logger.error('worker did not stop in time');
      process.exit(1);
    }, config.shutdownGraceMs + 5000);
    force.unref();
    jobs
      .stop()
      .then(() => handle.close())
      .then(
        () => {
          ctx.logger.info('worker stopped');
          process.exit(0);
        },
        (err: unknown) => {
          ctx.logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'worker shutdown failed',
          );
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `Redress worker failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
