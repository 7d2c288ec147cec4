import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './lib/logger';
import { serveClusterMetrics } from './lib/metrics';

/**
 * WEB_CONCURRENCY > 1: this (primary) process has migrated the database and seeded it; it now
 * runs that many API processes, which share the listening port (node:cluster hands out the
 * connections). One Node process uses one core, so on a machine with more cores this is how
 * the API uses them.
 *
 * A process that dies is replaced after a second. One that keeps dying at once (a bad port, a
 * database refusing connections) is not restarted forever: after five quick deaths the primary
 * stops everything and exits 1 so the service manager sees the failure. SIGTERM/SIGINT go to
 * every process, each shuts down gracefully, and the primary exits when the last one has.
 */
const QUICK_DEATH_MS = 5_000;
const MAX_QUICK_DEATHS = 5;
const RESTART_DELAY_MS = 1_000;

export function superviseApiProcesses(count: number, logger: Logger, graceMs: number): void {
  let stopping = false;
  let failed = false;
  let quickDeaths = 0;
  const startedAt = new Map<number, number>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };
  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, processes: alive().length }, 'stopping the API processes');
    for (const w of alive()) w.process.kill(signal);
    // Each process has its own grace period; this is the backstop if one hangs past it.
    const force = setTimeout(() => {
      for (const w of alive()) w.process.kill('SIGKILL');
    }, graceMs + 5_000);
    force.unref();
    if (alive().length === 0) process.exit(failed ? 1 : 0);
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (code !== 0 && code !== null) failed = true;
      if (alive().length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    if (quickDeaths >= MAX_QUICK_DEATHS) {
      logger.fatal({ code, signal }, 'API processes keep dying at start; giving up');
      failed = true;
      stop('SIGTERM');
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'an API process died; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  serveClusterMetrics();
  for (let i = 0; i < count; i++) fork();
  logger.info({ processes: count }, 'started the API processes');
}
