import http from 'node:http';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { spawnServer } from '../helpers/server-process';
import { createTestDatabase, dropTestDatabase } from '../helpers/test-app';
import { deleteQueueKeys, REDIS_URL, uniqueQueuePrefix } from '../jobs/fixtures';

const prefix = uniqueQueuePrefix();
let dbName = '';
afterAll(async () => {
  if (dbName) await dropTestDatabase(dbName);
  await deleteQueueKeys(prefix);
});

/** The "listening" lines so far: one per API process that came up, with its pid and port. */
function listening(out: string): Array<{ pid: number; port: number }> {
  return [...out.matchAll(/"port":(\d+)[^\n]*"pid":(\d+)[^\n]*listening/g)].map((m) => ({
    port: Number(m[1]),
    pid: Number(m[2]),
  }));
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A GET on a connection of its own, so node:cluster hands each to the next process. */
function freshGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const sumOf = (metrics: string, pattern: RegExp) =>
  [...metrics.matchAll(pattern)].reduce((s, m) => s + Number(m[1]), 0);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('several API processes (WEB_CONCURRENCY)', () => {
  it('refuses more than one process without PostgreSQL and Redis', () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: '2' })).toThrow(/WEB_CONCURRENCY: more than one API process/);
    expect(() => loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://x@127.0.0.1/db' })).toThrow(
      /REDIS_URL/,
    );
    expect(
      loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://x@127.0.0.1/db', REDIS_URL: REDIS_URL })
        .webConcurrency,
    ).toBe(2);
  });

  it('serves from two processes on one port, replaces one that dies, and stops all on SIGTERM', async () => {
    const db = await createTestDatabase();
    dbName = db.name;
    // Three messages of a topic this release does not know stay pending: a gauge every process
    // reads the same (it must show 3 once, not once per process).
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `insert into outbox (topic, payload) select 'x.from_a_newer_release', '{}'::jsonb from generate_series(1, 3)`,
    );
    await client.end();
    const { child, output, exited } = spawnServer(db.url, {
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WEB_CONCURRENCY: '2',
      SHUTDOWN_GRACE_MS: '3000',
    });
    try {
      const first = await until('two API processes', () => {
        const l = listening(output());
        return l.length >= 2 ? l : undefined;
      });
      expect(new Set(first.map((l) => l.pid)).size).toBe(2);
      expect(first.every((l) => l.port === first[0]!.port && l.pid !== child.pid)).toBe(true);
      const base = `http://127.0.0.1:${first[0]!.port}`;
      for (let i = 0; i < 10; i++) expect((await freshGet(`${base}/healthz`)).status).toBe(200);
      // Whichever process answers /metrics, it reports all of them.
      const metrics = (await freshGet(`${base}/metrics`)).body;
      expect(
        sumOf(
          metrics,
          /^redress_http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} (\d+)$/gm,
        ),
      ).toBe(10);
      expect(metrics).toMatch(/^redress_outbox_pending 3$/m);

      process.kill(first[0]!.pid, 'SIGKILL');
      const replacement = await until('a replacement process', () =>
        listening(output()).find((l) => !first.some((f) => f.pid === l.pid)),
      );
      expect(output()).toMatch(/an API process died; starting another/);
      for (let i = 0; i < 10; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(alive(first[1]!.pid)).toBe(false);
      expect(alive(replacement.pid)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
