import { todayUtc } from '../../src/lib/dates';
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { verifyLedger } from '../../src/ledger/ledger-chain';
import { benchUser, freePort, percentile, type BenchEnv } from './env';

export const title = 'Faults and recovery';

/**
 * Two figures about behaviour under faults rather than throughput:
 *  - reads of one fund while another fund's rows are locked and writes to it pile up, against
 *    the same reads with no lock, in one run (DB_POOL_READ_RESERVE keeps connections for reads);
 *  - how long the API takes to answer /healthz again after a SIGKILL under write load, when it
 *    is restarted at once (as a service manager or the cluster primary would).
 */

const READS = 500;
const KILLS = 3;
const LOAD_CLIENTS = 16;
const POOL_MAX = 20; // the default DB_POOL_MAX; the read reserve is its default quarter
const QUEUED_WRITES = 60;
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ms = (n: number) => `${fmt(n, 2)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

interface Client {
  url: string;
  token: string;
}

async function api(c: Client, method: string, path: string, body?: object, key?: string): Promise<Response> {
  return fetch(`${c.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${c.token}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const today = todayUtc();
const receiptBody = { source: 'fine', amount: '1.00', currency: 'THB', receivedOn: today };

async function newFund(c: Client, name: string): Promise<string> {
  const res = await api(c, 'POST', '/v1/funds', { name, currency: 'THB' });
  if (res.status !== 201) throw new Error(`POST /v1/funds: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function timedReads(c: Client, fundId: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now();
    const res = await api(c, 'GET', `/v1/funds/${fundId}/balances`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`balance read: ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

async function waitingOnLocks(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return rows[0]!.n;
  } finally {
    await c.end();
  }
}

/**
 * Locks every ledger account of `fundIds` from a connection of its own, sends QUEUED_WRITES
 * receipts to each and waits until `writers` of them wait on the locks; release() lets them go.
 */
async function lockWithQueuedWrites(
  env: BenchEnv,
  c: Client,
  fundIds: string[],
  writers: number,
  tag: string,
) {
  const holder = new pg.Client({ connectionString: env.databaseUrl });
  await holder.connect();
  await holder.query('begin');
  await holder.query('select id from ledger_accounts where fund_id = any($1::uuid[]) for update', [fundIds]);
  const writes = fundIds.flatMap((fundId, n) =>
    Array.from({ length: QUEUED_WRITES }, (_, i) =>
      api(c, 'POST', `/v1/funds/${fundId}/receipts`, receiptBody, `${tag}-${n}-${i}`).then((r) => r.status),
    ),
  );
  for (let i = 0; (await waitingOnLocks(env.databaseUrl)) < writers; i++) {
    if (i > 600) throw new Error('the writes did not queue on the lock');
    await sleep(50);
  }
  return {
    async release(): Promise<number[]> {
      await holder.query('rollback');
      await holder.end();
      return Promise.all(writes);
    },
  };
}

/** Row (a): the unaffected fund's read latency, without and then with two other funds locked. */
async function lockedNeighbours(
  env: BenchEnv,
  c: Client,
  locked: string[],
  other: string,
): Promise<string[]> {
  for (let i = 0; i < 20; i++) await api(c, 'POST', `/v1/funds/${other}/receipts`, receiptBody, `warm-${i}`);
  await timedReads(c, other); // warm-up, not counted
  const free = await timedReads(c, other);

  const lock = await lockWithQueuedWrites(env, c, locked, POOL_MAX - Math.floor(POOL_MAX / 4), 'queued');
  const underLock = await timedReads(c, other);
  const stillWaiting = await waitingOnLocks(env.databaseUrl);
  const statuses = await lock.release();
  const created = statuses.filter((s) => s === 201).length;

  const ratio = (p: number) => percentile(underLock, p) / percentile(free, p);
  return [
    `| balance read of a fund, no lock anywhere (n=${READS}, sequential) | p50 ${ms(percentile(free, 50))}, p99 ${ms(percentile(free, 99))} |`,
    `| the same reads while two other funds' rows are locked and ${QUEUED_WRITES} writes to each queue (${stillWaiting} connections, every writer's, waiting on the locks) | p50 ${ms(percentile(underLock, 50))}, p99 ${ms(percentile(underLock, 99))} = **${fmt(ratio(50), 2)}× p50, ${fmt(ratio(99), 2)}× p99** |`,
    `| the queued writes once the locks are released | ${created} of ${statuses.length} created (201) |`,
  ];
}

/** For contrast: no read reserve, the default lock timeout; one read sent behind the queued writes. */
async function withoutReserve(env: BenchEnv, c: Client, locked: string[], other: string): Promise<string> {
  const lock = await lockWithQueuedWrites(env, c, locked, POOL_MAX, 'unreserved');
  const t0 = performance.now();
  const res = await api(c, 'GET', `/v1/funds/${other}/balances`);
  await res.arrayBuffer();
  const waited = performance.now() - t0;
  const statuses = await lock.release();
  const refused = statuses.filter((s) => s === 503).length;
  return `| for contrast, \`DB_POOL_READ_RESERVE=0\` and the default 5 s lock timeout, the same two funds locked: one read of the unaffected fund sent while the writes queue | answered (${res.status}) after **${fmt(waited / 1000, 2)} s**; ${refused} of ${statuses.length} writes got 503 lock-timeout |`;
}

/** Row (b): SIGKILL under write load, restart at once, time to the first healthy /healthz. */
async function killRecovery(env: BenchEnv, token: string): Promise<string[]> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const c = { url, token };
  const spawnApi = (): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...env.apiEnv, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const healthy = async (): Promise<boolean> => {
    try {
      return (await fetch(`${url}/healthz`)).status === 200;
    } catch {
      return false;
    }
  };
  const untilHealthy = async () => {
    for (let i = 0; !(await healthy()); i++) {
      if (i > 3000) throw new Error('API did not come back');
      await sleep(10);
    }
  };

  let child = spawnApi();
  await untilHealthy();
  const fund = await newFund(c, 'Bench crash fund');
  let acknowledged = 0;
  let failed = 0;
  let stop = false;
  let seq = 0;
  const loop = async () => {
    while (!stop) {
      try {
        const res = await api(c, 'POST', `/v1/funds/${fund}/receipts`, receiptBody, `crash-${seq++}`);
        await res.arrayBuffer();
        if (res.status === 201) acknowledged += 1;
        else failed += 1;
      } catch {
        failed += 1;
        await sleep(20); // connection refused while the process is down
      }
    }
  };
  const load = Array.from({ length: LOAD_CLIENTS }, () => loop());
  const recoveries: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    await sleep(2000);
    const dead = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const t0 = performance.now();
    child.kill('SIGKILL');
    await dead;
    child = spawnApi();
    await untilHealthy();
    recoveries.push(performance.now() - t0);
  }
  await sleep(1000);
  stop = true;
  await Promise.all(load);
  const dead = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await dead;

  const db = env.runtime.ctx.db;
  const stored = await db
    .selectFrom('fund_receipts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('fund_id', '=', fund)
    .executeTakeFirstOrThrow();
  const verification = await verifyLedger(db);
  const sorted = [...recoveries].sort((a, b) => a - b);
  return [
    `| SIGKILL of the API under write load (${LOAD_CLIENTS} clients posting receipts), restarted at once: time to the first 200 from /healthz (${KILLS} kills) | median **${fmt(percentile(sorted, 50) / 1000, 2)} s** (${recoveries.map((r) => `${fmt(r / 1000, 2)} s`).join(', ')}) |`,
    `| receipts acknowledged (201) / stored / failed or refused during the outages | ${fmt(acknowledged)} / ${fmt(Number(stored.n))} / ${fmt(failed)}; ledger chain ${verification.ok ? 'verifies' : 'BROKEN'} |`,
  ];
}

export async function run(env: BenchEnv): Promise<string> {
  const { token } = await benchUser(env.runtime.ctx.db, {
    role: 'fund_admin',
    kind: 'fund_agency',
    email: 'bench-resilience@example.org',
  });
  const apiProcess = await env.startApi({ DB_LOCK_TIMEOUT_MS: '120000' });
  const c = { url: apiProcess.url, token };
  const locked = [await newFund(c, 'Bench locked fund 1'), await newFund(c, 'Bench locked fund 2')];
  const other = await newFund(c, 'Bench unaffected fund');
  let lockRows: string[];
  try {
    lockRows = await lockedNeighbours(env, c, locked, other);
  } finally {
    await apiProcess.stop();
  }
  const unreserved = await env.startApi({ DB_POOL_READ_RESERVE: '0' });
  try {
    lockRows.push(await withoutReserve(env, { url: unreserved.url, token }, locked, other));
  } finally {
    await unreserved.stop();
  }
  const killRows = await killRecovery(env, token);
  return [
    'One API process (DB_POOL_MAX 20: 15 connections for writes, at most 8 of them for one fund, 5 kept for reads).',
    '',
    '| figure | result |',
    '|---|---|',
    ...lockRows,
    ...killRows,
    '',
    'The lock is held by a separate connection (`select … for update` on the funds’ ledger accounts)',
    'with DB_LOCK_TIMEOUT_MS raised to 2 minutes, so the writes wait rather than fail; reads need',
    'no lock (MVCC), only a free connection. Without the reserve the writes hold every connection',
    'and the read waits behind them until lock timeouts free some. Recovery time runs from the SIGKILL to the restarted',
    'process’s first healthy answer (Node and tsx start-up, connecting, checking migrations); a',
    'request cut by the kill may have committed without an answer, so stored ≥ acknowledged, and',
    'its retry with the same Idempotency-Key gets the stored answer.',
  ].join('\n');
}
