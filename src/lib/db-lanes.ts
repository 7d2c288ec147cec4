import { AsyncLocalStorage } from 'node:async_hooks';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { DatabaseBusyError } from './errors';

/**
 * Lanes into one connection pool. A write can wait on a row lock for up to lock_timeout while
 * holding its connection; a burst of writes to one fund whose rows another transaction holds
 * would otherwise take every connection, and every other request would queue behind them.
 *  - Writers may hold at most `writerSlots` (DB_POOL_MAX − DB_POOL_READ_RESERVE) connections;
 *    the rest are kept for reads, which no row lock blocks (PostgreSQL reads are MVCC).
 *  - Writes for one fund (the /v1/funds/:id routes name it) may hold at most half of the
 *    writers' connections, so writes to the other funds still find one.
 *
 * The lane is the request's: GET and HEAD requests read (see app.ts); everything else — other
 * requests, jobs, the CLI, anything outside a request — counts as a writer, which is the safe
 * default (a writer is only ever made to wait, never refused a lane it needs).
 */
export type DbLane = 'read' | 'write';

interface LaneStore {
  lane: DbLane;
  /** The fund a write is for, when the route names one. */
  fundId?: string;
}

const lanes = new AsyncLocalStorage<LaneStore>();

/** Runs `fn` (and everything it starts) in `lane`, for `fundId` when given. */
export function inDbLane<T>(lane: DbLane, fn: () => T, fundId?: string): T {
  return lanes.run({ lane, fundId }, fn);
}

export function currentDbLane(): DbLane {
  return lanes.getStore()?.lane ?? 'write';
}

/** A counting semaphore whose waiters give up after their timeout, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly count: number) {
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
      const timer = setTimeout(
        () => {
          const i = this.waiting.indexOf(grant);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new DatabaseBusyError('database-busy'));
        },
        Math.max(0, timeoutMs),
      );
      this.waiting.push(grant);
    });
  }
  give(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.free += 1;
  }
  get unused(): boolean {
    return this.free === this.count && this.waiting.length === 0;
  }
}

/**
 * Kysely's pool interface over a pg.Pool, with at most `writerSlots` connections held by the
 * write lane and at most half of those by the writes of any one fund. Slots are returned when
 * the connection is released.
 */
export function laneGatedPool(pool: pg.Pool, writerSlots: number, acquireTimeoutMs: number): PostgresPool {
  const writers = new Slots(writerSlots);
  const perFund = Math.max(1, Math.ceil(writerSlots / 2));
  const funds = new Map<string, Slots>();
  const fundSlots = (fundId: string): Slots => {
    let slots = funds.get(fundId);
    if (!slots) funds.set(fundId, (slots = new Slots(perFund)));
    return slots;
  };
  const giveFund = (fundId: string | undefined) => {
    if (fundId === undefined) return;
    const slots = funds.get(fundId);
    slots?.give();
    if (slots?.unused) funds.delete(fundId);
  };

  return {
    async connect(): Promise<PostgresPoolClient> {
      const store = lanes.getStore();
      if (store?.lane === 'read') return pool.connect();
      const fundId = store?.fundId;
      const deadline = Date.now() + acquireTimeoutMs;
      if (fundId !== undefined) await fundSlots(fundId).take(acquireTimeoutMs);
      let client: pg.PoolClient;
      try {
        await writers.take(deadline - Date.now());
      } catch (err) {
        giveFund(fundId);
        throw err;
      }
      try {
        client = await pool.connect();
      } catch (err) {
        writers.give();
        giveFund(fundId);
        throw err;
      }
      // pg-pool assigns a fresh release() at every checkout, so wrapping this one is safe.
      const release = client.release.bind(client);
      let given = false;
      client.release = (err?: Error | boolean) => {
        if (!given) {
          writers.give();
          giveFund(fundId);
        }
        given = true;
        release(err);
      };
      return client;
    },
    end: () => pool.end(),
  };
}
