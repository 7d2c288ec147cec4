import Bull from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from '../src/lib/logger';
import { QUEUE_NAMES, type QueueName, type QueuedJobData } from './queues';

/** Redis did not answer in time: the caller leaves its work for a later pass. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

export interface QueueSet {
  get(name: QueueName): Bull.Queue<QueuedJobData>;
  all(): Bull.Queue<QueuedJobData>[];
  /** Resolves once Redis is connected; RedisUnavailableError after `timeoutMs` otherwise. */
  ready(timeoutMs: number): Promise<void>;
  /** For /readyz: fails fast while the connection is down instead of queueing the PING. */
  ping(): Promise<void>;
  /**
   * Calls `listener` each time the command connection becomes ready: at start and after every
   * reconnect, when Redis may have come back empty. Returns a function that stops listening.
   */
  onReady(listener: () => void): () => void;
  /** Closes the queues (waiting for running jobs up to `graceMs`), then every connection. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Every Bull queue of this process on three kinds of Redis connection: one shared command
 * connection, one shared subscriber, and a blocking connection per queue (Bull's rule). The
 * connections retry forever with a short cap, so the process notices Redis coming back within
 * two seconds, and the relay, not ioredis, decides what to do while it is away.
 */
export function createQueueSet(redisUrl: string, options: { prefix: string; logger: Logger }): QueueSet {
  const base: RedisOptions = {
    retryStrategy: (times) => Math.min(times * 200, 2000),
    connectTimeout: 5000,
  };
  const connections: Redis[] = [];
  let lastErrorLog = 0;
  const track = (c: Redis): Redis => {
    connections.push(c);
    c.on('error', (err: Error) => {
      // An unreachable Redis emits an error per reconnect attempt: log one every 30 s.
      const now = Date.now();
      if (now - lastErrorLog > 30_000) {
        lastErrorLog = now;
        options.logger.warn({ err: err.message }, 'redis connection error');
      }
    });
    return c;
  };
  const client = track(new Redis(redisUrl, base));
  // Every queue and job name listens on the shared connection: more than Node's default ten.
  client.setMaxListeners(100);
  let subscriber: Redis | undefined;
  const blockingOptions: RedisOptions = { ...base, maxRetriesPerRequest: null, enableReadyCheck: false };

  const queues = new Map<QueueName, Bull.Queue<QueuedJobData>>();
  for (const name of QUEUE_NAMES) {
    queues.set(
      name,
      new Bull<QueuedJobData>(name, {
        prefix: options.prefix,
        // A worker killed mid-job (SIGKILL, OOM) leaves its jobs active until their lock lapses;
        // shorter than Bull's 30 s + 30 s so they run again within half a minute. Locks are
        // renewed every lockDuration / 2 while a job runs, and a send ends within 20 s.
        settings: { lockDuration: 20_000, stalledInterval: 10_000 },
        createClient: (type) => {
          switch (type) {
            case 'client':
              return client;
            case 'subscriber':
              return (subscriber ??= track(new Redis(redisUrl, blockingOptions)));
            case 'bclient':
              return track(new Redis(redisUrl, blockingOptions));
          }
        },
      }),
    );
  }

  let closing: Promise<void> | undefined;
  return {
    get(name) {
      const queue = queues.get(name);
      if (!queue) throw new Error(`unknown queue ${name}`);
      return queue;
    },
    all: () => [...queues.values()],
    async ready(timeoutMs) {
      if (client.status === 'ready') return;
      await new Promise<void>((resolve, reject) => {
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          reject(new RedisUnavailableError(`redis not reachable (${client.status})`));
        }, timeoutMs);
        client.once('ready', onReady);
      });
    },
    async ping() {
      if (client.status !== 'ready') throw new RedisUnavailableError(`redis ${client.status}`);
      await client.ping();
    },
    onReady(listener) {
      client.on('ready', listener);
      if (client.status === 'ready') setImmediate(listener);
      return () => void client.off('ready', listener);
    },
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const closed = Promise.all([...queues.values()].map((q) => q.close())).then(() => undefined);
        // A queue waits for its running jobs, and for Redis to take its last commands; past the
        // grace period the connections are cut anyway (a cut job is retried, never lost).
        await withTimeout(closed, graceMs, 'closing queues').catch((err: unknown) => {
          options.logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'queues closed by force',
          );
        });
        // Resolve only once every socket is closed, so nothing of ours outlives close().
        await Promise.all(connections.map((c) => disconnect(c)));
      })();
      return closing;
    },
  };
}

async function disconnect(c: Redis): Promise<void> {
  if (c.status === 'end') return;
  if (c.status === 'reconnecting' || c.status === 'wait') {
    c.disconnect(); // no socket to wait for
    return;
  }
  const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
  c.disconnect();
  // ioredis destroys a socket that has not closed after 2 s, then emits 'end'.
  await withTimeout(ended, 3000, 'closing a redis connection').catch(() => undefined);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new RedisUnavailableError(`${what}: no answer within ${ms} ms`)),
      ms,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
