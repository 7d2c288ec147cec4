import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { loadConfig } from '../../src/config';
import { sealAndVerifyAuditChain } from '../../src/audit/audit-chain';
import { verifyLedger } from '../../src/ledger/ledger-chain';
import { bindChainKeys, parseChainKeys } from '../../src/lib/chain-keys';
import { openDatabase, type DbHandle } from '../../src/lib/db';
import { listeningPort, spawnServer, type ServerProcess } from '../helpers/server-process';
import { aUser, anOffice } from '../helpers/factories';
import { createTestDatabase, dropTestDatabase } from '../helpers/test-app';

/**
 * SIGTERM while keep-alive clients are connected: idle keep-alive connections are closed at once,
 * requests in flight all finish (none is cut while the grace period lasts) and their responses
 * say `Connection: close`, and the process exits as soon as the last of them is answered.
 */

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

function answerOf(req: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }),
      );
    });
  });
}

let dbName = '';
let handle: DbHandle | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGKILL');
  await handle?.close();
  if (dbName) await dropTestDatabase(dbName);
});

it('closes idle keep-alive connections, finishes every request in flight with Connection: close, then exits 0', async () => {
  const db = await createTestDatabase();
  dbName = db.name;
  handle = await openDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, DB_POOL_MAX: '2' }));
  const office = await anOffice({ ctx: { db: handle.db } }, 'fund_agency', {
    name: 'Drain test agency',
    direct: true,
  });
  const { token } = await aUser({ ctx: { db: handle.db } }, { role: 'fund_admin', office, direct: true });
  // The server signs chain links with these; this handle verifies them.
  const chainKeys = `drain:${crypto.randomBytes(32).toString('base64')}`;
  bindChainKeys(handle.db, parseChainKeys(chainKeys));
  const donor = `Ines Moreau-${crypto.randomBytes(3).toString('hex')}`;

  server = spawnServer(db.url, { SHUTDOWN_GRACE_MS: '60000', CHAIN_KEYS: chainKeys });
  const port = await listeningPort(server);
  const json = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
  const idleAgent = new http.Agent({ keepAlive: true });
  const busyAgent = new http.Agent({ keepAlive: true });

  // Keep-alive connections that have answered and now sit idle in the client's pool.
  const idleSockets = new Set<net.Socket>();
  const call = (method: string, path: string, body?: unknown) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: idleAgent, headers: json });
    req.on('socket', (s) => idleSockets.add(s));
    req.end(payload);
    return answerOf(req);
  };
  const fund = await call('POST', '/v1/funds', { name: 'Drain test fund', currency: 'THB' });
  expect(fund.status).toBe(201);
  const warm = await Promise.all([0, 1, 2].map(() => call('GET', `/v1/funds/${fund.body.id}/balances`)));
  for (const w of warm) expect(w.headers.connection).toBe('keep-alive');
  expect(idleSockets.size).toBeGreaterThanOrEqual(1);
  const idleClosed = [...idleSockets].map(
    (s) => new Promise<void>((resolve) => s.once('close', () => resolve())),
  );

  // Receipts in flight: the server has each request (it sent 100 Continue) but not all its body.
  const today = new Date().toISOString().slice(0, 10);
  const inFlight = await Promise.all(
    [0, 1, 2].map(async (i) => {
      const body = JSON.stringify({
        source: 'fine',
        amount: '10.00',
        currency: 'THB',
        receivedOn: today,
        donor,
      });
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/v1/funds/${fund.body.id}/receipts`,
        agent: busyAgent,
        headers: {
          ...json,
          'Content-Length': Buffer.byteLength(body),
          'Idempotency-Key': `drain-${i}`,
          Expect: '100-continue',
        },
      });
      const answer = answerOf(req);
      const continued = new Promise<void>((resolve) => req.once('continue', () => resolve()));
      req.flushHeaders();
      await continued;
      req.write(body.slice(0, 10));
      return { finish: () => req.end(body.slice(10)), answer };
    }),
  );

  server.child.kill('SIGTERM');
  // Idle keep-alive connections are closed by the server, while the requests are still in flight.
  await Promise.all(idleClosed);

  for (const [i, r] of inFlight.entries()) {
    expect(server.child.exitCode).toBeNull(); // still waiting for this one
    r.finish();
    const answer = await r.answer;
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
    if (i < inFlight.length - 1) expect(server.child.exitCode).toBeNull();
  }
  expect(await server.exited).toBe(0);

  const receipts = await handle.db
    .selectFrom('fund_receipts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  expect(Number(receipts.n)).toBe(3);
  expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
  expect(await sealAndVerifyAuditChain(handle.db)).toMatchObject({ ok: true });
  expect(server.output()).not.toContain(donor);
  expect(server.output()).not.toMatch(/unhandled error|"level":50/);
  idleAgent.destroy();
  busyAgent.destroy();
}, 120_000);
