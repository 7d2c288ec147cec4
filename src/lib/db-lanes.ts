import { AsyncLocalStorage } from 'node:async_hooks';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { DatabaseBusyError } from './errors';

/**
 * Two lanes into one connection pool. A write can wait on a row lock for up to lock_timeout
 * while holding its connection; a burst of writes to one fund whose rows another transaction
 * holds would otherwise take every connection, and reads of every other fund (which no lock
 * blocks: PostgreSQL reads are MVCC) would queue behind them. So writers may hold at most
 * `max - readReserve` connections at once; the rest are kept for reads.
 *
 * The lane is the request's: GET and HEAD requests read (see app.ts); everything else — other
 * requests, jobs, the CLI, anything outside a request — counts as a writer, which is the safe
 * default (a writer is only ever made to wait, never refused a lane it needs).
 */
export type DbLane = 'read' | 'write';

const lanes = new AsyncLocalStorage<DbLane>();

/** Runs `fn` (and everything it starts) in `lane`. */
export function inDbLane<T>(lane: DbLane, fn: () => T): T {
  return lanes.run(lane, fn);
}

export function currentDbLane(): DbLane {
  return lanes.getStore() ?? 'write';
}

/** A counting semaphore whose waiters give up after `timeoutMs`, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(count: number) {
    this.free = count;
  }
  take(timeoutMs: number): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new DatabaseBusyError('database-busy'));
      }, timeoutMs);
      this.waiting.push(grant);
    });
  }
  give(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next writer
    else this.free += 1;
  }
}

/**
 * Kysely's pool interface over a pg.Pool of `max` connections, with at most `writerSlots` of
 * them held by the write lane. A writer's slot is returned when its connection is released.
 */
export function laneGatedPool(pool: pg.Pool, writerSlots: number, acquireTimeoutMs: number): PostgresPool {
  const writers = new Slots(writerSlots);
  return {
    async connect(): Promise<PostgresPoolClient> {
      if (currentDbLane() === 'read') return pool.connect();
      await writers.take(acquireTimeoutMs);
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        writers.give();
        throw err;
      }
      // pg-pool assigns a fresh release() at every checkout, so wrapping this one is safe.
      const release = client.release.bind(client);
      let given = false;
      client.release = (err?: Error | boolean) => {
        if (!given) writers.give();
        given = true;
        release(err);
      };
      return client;
    },
    end: () => pool.end(),
  };
}
