import crypto from 'node:crypto';
import type Bull from 'bull';
import Redis from 'ioredis';
import { sql } from 'kysely';
import { transact, type Db } from '../../src/lib/db';
import { enqueueOutbox } from '../../src/lib/outbox';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Nothing listens on port 1: a Redis that is "down" without touching the real one. */
export const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';

/** A Bull key prefix of this test file's own, so parallel files never share a queue. */
export function uniqueQueuePrefix(): string {
  return `redress-test-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Deletes every Redis key under `prefix` (the test's queues). */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** What the users endpoint does after creating a user: one outbox row in its transaction. */
export async function enqueueWelcome(db: Db, userId: string): Promise<string> {
  return transact(db, (trx) => enqueueOutbox(trx, 'user.welcome', { userId }));
}

export async function outboxState(db: Db): Promise<{ pending: number; relayed: number; delivered: number }> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<string>`count(*) filter (where relayed_at is null)`.as('pending'),
      sql<string>`count(*) filter (where relayed_at is not null)`.as('relayed'),
      sql<string>`(select count(*) from outbox_deliveries)`.as('delivered'),
    ])
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), relayed: Number(row.relayed), delivered: Number(row.delivered) };
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * True once Bull holds nothing more that could send: the job of every outbox id in `ids` has
 * completed and no job of the queue waits, runs or is delayed for a retry. A "nothing was sent
 * twice" check waits for this instead of sleeping: a duplicate can only come from a job, and
 * once none remains, the count of messages received is final.
 */
export async function queueSettled(
  queue: Pick<Bull.Queue, 'getJob' | 'getJobCounts'>,
  ids: string[],
): Promise<boolean> {
  const counts = await queue.getJobCounts();
  if (counts.waiting + counts.active + counts.delayed > 0) return false;
  const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
  for (const job of jobs) if (!job || !(await job.isCompleted())) return false;
  return true;
}

/**
 * True once nothing more can be sent: every outbox row is relayed and `queueSettled` holds (the
 * jobs of `ids`, if any, completed and none waits, runs or is delayed). For "exactly one mail"
 * checks where a duplicate could also come from a second outbox row.
 */
export async function nothingLeftToSend(
  db: Db,
  queue: Pick<Bull.Queue, 'getJob' | 'getJobCounts'>,
  ids: string[] = [],
): Promise<boolean> {
  return (await outboxState(db)).pending === 0 && (await queueSettled(queue, ids));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
