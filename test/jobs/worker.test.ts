import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { generateKeyMaterial } from '../../src/lib/crypto';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';
import { deleteQueueKeys, enqueueWelcome, eventually, REDIS_URL, uniqueQueuePrefix } from './fixtures';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../..');
let t: TestApp;
let smtp: TestSmtp;
const prefix = uniqueQueuePrefix();
const children: ChildProcess[] = [];

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestApp();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await t.close();
  await smtp.close();
  await deleteQueueKeys(prefix);
});

function spawnWorker(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const keys = generateKeyMaterial();
  // tsx itself rather than `npx tsx`: npm exits on SIGTERM with 143 whatever its child does,
  // which would hide the worker's own exit code.
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['jobs/worker.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      DATA_DIR: path.join(t.config.dataDir, 'worker'),
      PII_KEYS: keys.piiKeys,
      BLIND_INDEX_KEY: keys.blindIndexKey,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

describe('npm run worker', () => {
  it('delivers a welcome e-mail through Redis and SMTP, then stops cleanly on SIGTERM', async () => {
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true, name: 'Mai Nguyen' });
    const outboxId = await enqueueWelcome(t.ctx.db, user.id);

    const worker = spawnWorker({
      DATABASE_URL: t.databaseUrl,
      REDIS_URL,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: prefix,
      PUBLIC_URL: 'https://redress.example.org',
    });
    const mail = await smtp
      .waitFor((m) => m.envelopeTo.includes(user.email), 45_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}\nworker output:\n${worker.output()}`);
      });
    expect(mail.subject).toBe('Your Redress account');
    expect(mail.text).toContain('Hello Mai Nguyen,');
    expect(mail.text).toContain('https://redress.example.org');
    const delivery = await eventually(() =>
      t.ctx.db
        .selectFrom('outbox_deliveries')
        .select('detail')
        .where('outbox_id', '=', outboxId)
        .executeTakeFirst(),
    );
    expect(delivery.detail).toMatch(/^smtp 250/);

    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
    expect(worker.output()).toContain('worker stopped');
    expect(smtp.messages.filter((m) => m.envelopeTo.includes(user.email))).toHaveLength(1);
  });

  it('refuses to start without REDIS_URL, naming the variable', async () => {
    const worker = spawnWorker({ DATABASE_URL: t.databaseUrl });
    expect(await worker.exit).toBe(1);
    expect(worker.output()).toMatch(/REDIS_URL: is required by the worker/);
  });
});
