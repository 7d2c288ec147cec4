import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

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
      const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 60000);
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
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90000);
});
