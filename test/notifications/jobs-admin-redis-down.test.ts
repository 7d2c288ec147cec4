import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { sealAndVerifyAuditChain } from '../../src/audit/audit-chain';
import { verifyLedger } from '../../src/ledger/ledger-chain';
import { problemType } from '../../src/lib/problems';
import { capturedLogs } from '../helpers/captured-logs';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { eventually, uniqueQueuePrefix } from '../jobs/fixtures';

/**
 * The jobs admin endpoints read Bull's sets in Redis. With Redis gone (this file's own
 * redis-server, killed) they answer 503 problem+json with Retry-After, not a 500, and answer
 * again once Redis is back.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server on `port`; resolves once it accepts connections. */
function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
}

function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

let t: TestApp;
let jobs: Jobs | undefined;
let redis: ChildProcess | undefined;
let admin: TestUser;
let port = 0;
const logs = capturedLogs();

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  t = await createTestApp(
    { REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: uniqueQueuePrefix() },
    { logger: logs.logger },
  );
  jobs = startJobs(t.ctx, { mode: 'relay', schedule: false });
  admin = await aUser(t, { role: 'admin', name: 'Keiko Tanabe', email: 'keiko.tanabe@example.org' });
});
afterAll(async () => {
  await jobs?.stop();
  if (redis) await stopRedis(redis);
  await t.close();
});

const failedJobs = () => request(t.app).get('/v1/admin/jobs/failed').set('Authorization', admin.authHeader);
const retry = (id: string) =>
  request(t.app).post(`/v1/admin/jobs/${id}/retry`).set('Authorization', admin.authHeader);

it('answers 503 service-unavailable while Redis is down, and 200 again once it is back', async () => {
  await eventually(
    async () => (await failedJobs()).status === 200,
    20_000,
    'the failed-jobs list with Redis up',
  );

  await stopRedis(redis!);
  const listed = await failedJobs();
  expect(listed.status).toBe(503);
  expect(listed.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(listed.body).toMatchObject({ type: problemType('service-unavailable'), status: 503 });
  expect(Number(listed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(listed.body.detail).not.toMatch(new RegExp(String(port)));

  const retried = await retry('some-job-id');
  expect(retried.status).toBe(503);
  expect(retried.body).toMatchObject({ type: problemType('service-unavailable') });
  // The retry did not happen, so its audit event was rolled back with it.
  const audits = await t.ctx.db
    .selectFrom('audit_events')
    .select('id')
    .where('action', '=', 'job.retry')
    .execute();
  expect(audits).toEqual([]);

  redis = await startRedis(port);
  const back = await eventually(
    async () => {
      const res = await failedJobs();
      return res.status === 200 ? res : undefined;
    },
    30_000,
    'the failed-jobs list once Redis is back',
  );
  expect(back.body).toMatchObject({ items: [] });
  await retry('some-job-id').expect(404);

  expect(await verifyLedger(t.ctx.db)).toMatchObject({ ok: true });
  expect(await sealAndVerifyAuditChain(t.ctx.db)).toMatchObject({ ok: true });
  expect(logs.leaking(['keiko.tanabe@example.org', 'Keiko Tanabe'])).toEqual([]);
  expect(logs.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
}, 120_000);
