import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';

const ROOT = path.resolve(__dirname, '../..');

/** The one-call receipt (a PL/pgSQL function) on PGlite: posted once, replayed, balance moved. */
async function receiptOnPglite(base: string, out: string): Promise<void> {
  const login = /(fund\.admin@demo\.example\.org)\s+(\S+)\s+fund_admin/.exec(out);
  expect(login).not.toBeNull();
  const session = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: login![1], password: login![2] }),
  });
  const { token } = (await session.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${base}/v1/funds`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Embedded fund', currency: 'THB' }),
  });
  expect(created.status).toBe(201);
  const fundId = ((await created.json()) as { id: string }).id;
  const balance = async () => {
    const res = await fetch(`${base}/v1/funds/${fundId}/balances?currency=THB`, { headers: auth });
    const body = (await res.json()) as { pots: Array<{ code: string; posted: string }> };
    return body.pots.find((p) => p.code === 'unrestricted')!.posted;
  };
  const before = await balance();
  const post = () =>
    fetch(`${base}/v1/funds/${fundId}/receipts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'embedded-1' },
      body: JSON.stringify({
        source: 'donation',
        amount: '12.34',
        currency: 'THB',
        receivedOn: '2026-11-01',
      }),
    });
  const first = await post();
  expect(first.status).toBe(201);
  const again = await post();
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(await again.json()).toEqual(await first.json());
  const after = await balance();
  expect(new Decimal(after).minus(before).toString()).toBe('12.34');
}

/**
 * `npm start` with no configuration: the embedded PostgreSQL (PGlite) runs every migration,
 * demo logins are printed once, and the API answers with them.
 */
describe('embedded default (no DATABASE_URL, REDIS_URL or SMTP_URL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-embedded-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates PGlite, prints demo logins and serves them', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    };
    for (const k of [
      'DATABASE_URL',
      'REDIS_URL',
      'SMTP_URL',
      'PII_KEYS',
      'BLIND_INDEX_KEY',
      'NODE_ENV',
      'DEMO_DATA',
    ])
      delete env[k];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 240_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+)[^\n]*"database":"pglite"[^\n]*listening/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    try {
      expect(out).toContain('Demo logins (shown once)');
      const admin = /(admin@demo\.example\.org)\s+(\S+)\s+admin/.exec(out);
      expect(admin).not.toBeNull();
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const login = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: admin![1], password: admin![2] }),
      });
      expect(login.status).toBe(200);
      const { user } = (await login.json()) as { user: { role: string } };
      expect(user.role).toBe('admin');
      expect(fs.existsSync(path.join(dataDir, 'keys.json'))).toBe(true);
      await receiptOnPglite(base, out);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 300_000); // PGlite migrates in-process: minutes on a busy machine
});
