import type Bull from 'bull';
import type { Db } from '../src/lib/db';
import { maskAddresses } from '../src/notifications/delivery-errors';
import { ServiceUnavailableError } from '../src/lib/errors';
import type { FailedJob, JobsAdmin } from '../src/notifications/jobs-admin';
import { withTimeout, type QueueSet } from './bull';
import { jobForTopic, type QueuedJobData } from './queues';
import type { InlineRetries, RelayLoop } from './relay';

const ANSWER_MS = 2000;

function failedJobOf(queue: string, job: Bull.Job<QueuedJobData>): FailedJob {
  return {
    id: String(job.id),
    queue,
    job: job.name,
    outboxId: job.data.outboxId || null,
    topic: job.data.outboxId ? job.data.topic : null,
    payload: job.data.payload,
    attemptsMade: job.attemptsMade,
    // Reduced to a category and code when thrown; masked again for jobs stored before that.
    failedReason: maskAddresses(job.failedReason ?? ''),
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/**
 * An admin's question to Redis: answered within ANSWER_MS, or a 503 the admin can retry. Any
 * failure here is Redis being away (refused, reconnecting, too slow); Redis's own message
 * stays out of the answer, which needs no host or port.
 */
async function askRedis<T>(queues: QueueSet, what: string, work: () => Promise<T>): Promise<T> {
  try {
    // Fails at once while the connection is down, rather than queueing the question.
    await queues.ping();
    return await withTimeout(work(), ANSWER_MS, what);
  } catch {
    throw new ServiceUnavailableError(`Redis, which holds the jobs, cannot answer now (${what}).`, 5);
  }
}

/** Failed jobs are Bull's failed set (kept: removeOnFail is false); a retry is Bull's retry. */
export function bullJobsAdmin(queues: QueueSet): JobsAdmin {
  return {
    mode: 'bull',
    async counts() {
      const all = await withTimeout(
        Promise.all(queues.all().map((q) => q.getJobCounts())),
        ANSWER_MS,
        'counting jobs',
      );
      return all.reduce(
        (sum, c) => ({
          waiting: sum.waiting + c.waiting,
          active: sum.active + c.active,
          failed: sum.failed + c.failed,
          delayed: sum.delayed + c.delayed,
        }),
        { waiting: 0, active: 0, failed: 0, delayed: 0 },
      );
    },
    async listFailed(limit) {
      const lists = await askRedis(queues, 'listing failed jobs', () =>
        Promise.all(
          queues.all().map(async (q) => (await q.getFailed(0, limit - 1)).map((j) => failedJobOf(q.name, j))),
        ),
      );
      return lists
        .flat()
        .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''))
        .slice(0, limit);
    },
    async retry(id) {
      for (const queue of queues.all()) {
        const job = await askRedis(queues, 'finding a job', () => queue.getJob(id));
        if (job && (await askRedis(queues, 'finding a job', () => job.isFailed()))) {
          // Bull keeps attemptsMade: an admin's retry is one more attempt, not a new budget.
          await askRedis(queues, 'retrying a job', () => job.retry());
          return true;
        }
      }
      return false;
    },
  };
}

/** Embedded mode: failed messages are those the in-process runner gave up on. */
export function inlineJobsAdmin(
  db: Db,
  retries: InlineRetries,
  relay: () => RelayLoop | undefined,
): JobsAdmin {
  return {
    mode: 'inline',
    async counts() {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('relayed_at', 'is', null)
        .executeTakeFirstOrThrow();
      const failed = retries.gaveUp().length;
      return { waiting: Math.max(0, Number(row.n) - failed), active: 0, failed, delayed: 0 };
    },
    async listFailed(limit) {
      const given = retries.gaveUp().slice(0, limit);
      if (given.length === 0) return [];
      const rows = await db
        .selectFrom('outbox')
        .select(['id', 'topic', 'payload'])
        .where(
          'id',
          'in',
          given.map((g) => g.id),
        )
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return given.map((g) => ({
        id: g.id,
        queue: 'inline',
        job: jobForTopic(byId.get(g.id)?.topic ?? '') ?? 'unknown',
        outboxId: g.id,
        topic: byId.get(g.id)?.topic ?? null,
        payload: byId.get(g.id)?.payload ?? null,
        attemptsMade: g.attempts,
        failedReason: g.lastError,
        failedAt: new Date(g.failedAt).toISOString(),
      }));
    },
    async retry(id) {
      const ok = retries.reset(id);
      if (ok) relay()?.kick();
      return ok;
    },
  };
}
