import client from 'prom-client';
import type { AppContext } from '../context';
import { outboxBacklog } from '../lib/outbox.repository';
import { jobsAdminOf, type QueueCounts } from './jobs-admin';
import { scheduledRuns, type ScheduledRun } from './scheduled-runs';

export interface QueueHealth extends Partial<QueueCounts> {
  outboxPending: number;
  /** Age of the oldest message not yet moved by the relay; null when none waits. */
  oldestOutboxAgeSeconds: number | null;
  /** Messages whose delivery is not recorded yet (pending, queued or failing). */
  outboxUndelivered: number;
  oldestUndeliveredAgeSeconds: number | null;
  /** When each scheduled job last ran and last succeeded (a job never run is absent). */
  scheduledJobs: Record<string, Omit<ScheduledRun, 'name'>>;
  /** Set when the queue counts could not be read (Redis away); the outbox figures still are. */
  queueError?: string;
}

/** For /readyz and /metrics: the outbox from PostgreSQL, the queues from the job runners. */
export async function queueHealth(ctx: AppContext): Promise<QueueHealth> {
  const [backlog, runs] = await Promise.all([outboxBacklog(ctx.db), scheduledRuns(ctx.db)]);
  const health: QueueHealth = {
    outboxPending: backlog.pending,
    oldestOutboxAgeSeconds: backlog.oldestAgeSeconds,
    outboxUndelivered: backlog.undelivered,
    oldestUndeliveredAgeSeconds: backlog.oldestUndeliveredAgeSeconds,
    scheduledJobs: Object.fromEntries(runs.map(({ name, ...run }) => [name, run])),
  };
  const admin = jobsAdminOf(ctx);
  if (!admin) return health;
  try {
    return { ...health, ...(await admin.counts()) };
  } catch (err) {
    return { ...health, queueError: err instanceof Error ? err.message : String(err) };
  }
}

const GAUGES = {
  redress_jobs_waiting: [
    'Jobs waiting to run (Bull waiting, or pending outbox rows in embedded mode)',
    'waiting',
  ],
  redress_jobs_active: ['Jobs running now', 'active'],
  redress_jobs_failed: ['Jobs kept as failed after their last attempt', 'failed'],
  redress_jobs_delayed: ['Jobs waiting for their next retry', 'delayed'],
} as const;

/**
 * Gauges read at scrape time. Registered once per registry: several apps built on one context
 * (tests) must not register a metric name twice.
 */
export function registerQueueMetrics(ctx: AppContext): void {
  const registry = ctx.metrics.registry;
  if (registry.getSingleMetric('redress_outbox_oldest_age_seconds')) return;
  // One read per scrape, shared by every gauge below.
  let pending: Promise<QueueHealth> | undefined;
  const read = () => {
    pending ??= queueHealth(ctx).finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };
  for (const [name, [help, field]] of Object.entries(GAUGES)) {
    new client.Gauge({
      name,
      help,
      registers: [registry],
      aggregator: 'first', // every API process reads the same shared value
      async collect() {
        const value = (await read())[field];
        if (value !== undefined) this.set(value);
      },
    });
  }
  new client.Gauge({
    name: 'redress_outbox_pending',
    help: 'Outbox messages not yet relayed',
    registers: [registry],
    aggregator: 'first',
    async collect() {
      this.set((await read()).outboxPending);
    },
  });
  new client.Gauge({
    name: 'redress_outbox_undelivered',
    help: 'Outbox messages whose delivery is not recorded yet',
    registers: [registry],
    aggregator: 'first',
    async collect() {
      this.set((await read()).outboxUndelivered);
    },
  });
  new client.Gauge({
    name: 'redress_outbox_oldest_undelivered_age_seconds',
    help: 'Age of the oldest outbox message not delivered yet (0 when none)',
    registers: [registry],
    aggregator: 'first',
    async collect() {
      this.set((await read()).oldestUndeliveredAgeSeconds ?? 0);
    },
  });
  const seconds = (iso: string | null) => (iso === null ? 0 : Date.parse(iso) / 1000);
  new client.Gauge({
    name: 'redress_scheduled_job_last_run_timestamp_seconds',
    help: 'When each scheduled job last finished a run, successful or not (Unix time)',
    labelNames: ['job'],
    registers: [registry],
    aggregator: 'first',
    async collect() {
      for (const [job, run] of Object.entries((await read()).scheduledJobs))
        this.set({ job }, seconds(run.lastRunAt));
    },
  });
  new client.Gauge({
    name: 'redress_scheduled_job_last_success_timestamp_seconds',
    help: 'When each scheduled job last succeeded (Unix time; 0 if it never did)',
    labelNames: ['job'],
    registers: [registry],
    aggregator: 'first',
    async collect() {
      for (const [job, run] of Object.entries((await read()).scheduledJobs))
        this.set({ job }, seconds(run.lastSucceededAt));
    },
  });
  new client.Gauge({
    name: 'redress_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox message not yet relayed (0 when none)',
    registers: [registry],
    aggregator: 'first',
    async collect() {
      this.set((await read()).oldestOutboxAgeSeconds ?? 0);
    },
  });
}
