import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startJobs } from '../../jobs/start';
import { transact } from '../../src/lib/db';
import { enqueueOutbox } from '../../src/lib/outbox';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import {
  eventually,
  outboxState,
  REDIS_URL,
  sleep,
  UNREACHABLE_REDIS_URL,
  uniqueQueuePrefix,
} from '../jobs/fixtures';
import { deliveryDetail, labourClaim, move, office, statusOutboxIds, uniqueEmail, victim } from './support';

jest.setTimeout(150_000);

const root = path.resolve(__dirname, '../..');
let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
const prefix = uniqueQueuePrefix();
const children: ChildProcess[] = [];
const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  mail = await startMailApp(prefix, { JOB_ATTEMPTS: '10', JOB_BACKOFF_MS: '150', RELAY_INTERVAL_MS: '100' });
  ({ t, smtp } = mail);
});
afterAll(async () => {
  // SIGTERM, which tsx passes on to the worker (a SIGKILL would orphan it).
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await mail.close();
});

const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelopeTo.includes(address));

async function consentingVictim(o: Awaited<ReturnType<typeof office>>, email: string): Promise<string> {
  return victim(t, o, {
    preferredLanguage: 'fil',
    contact: { email, safeToContact: true },
    consent: { shareWithFundAgency: false, contactByEmail: true },
  });
}

describe('delivery guarantees', () => {
  it('delivers a status e-mail once after the SMTP server comes back from being down', async () => {
    const o = await office(t);
    const email = uniqueEmail('smtpdown');
    const claimId = await labourClaim(t, o, await consentingVictim(o, email), tenDaysAgo);
    await smtp.stop();
    const jobs = startJobs(t.ctx, { mode: 'worker', schedule: false });
    try {
      await move(t, o, claimId, 'conciliation');
      const [outboxId] = await statusOutboxIds(t, claimId);
      const mailQueue = jobs.queues!.get('mail');
      await eventually(
        async () => ((await mailQueue.getJob(outboxId!))?.attemptsMade ?? 0) >= 2,
        25_000, // a few of Bull's 5-s delayed-job guard ticks on a busy machine
        'two failed attempts',
      );
      expect(await deliveryDetail(t, outboxId!)).toBeUndefined();
      await smtp.start();
      const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email), 15_000);
      expect(mail.subject).toBe('May bagong impormasyon para sa iyo');
      expect(await eventually(() => deliveryDetail(t, outboxId!))).toMatch(/^victim \(fil\): smtp 250/);
      await sleep(500);
      expect(mailsTo(email)).toHaveLength(1);
    } finally {
      await smtp.start();
      await jobs.stop();
    }
  }, 60_000);

  it('keeps answering while Redis is unreachable, lets the outbox grow, and delivers every message once when Redis is back', async () => {
    const o = await office(t);
    const emails = [uniqueEmail('r1'), uniqueEmail('r2'), uniqueEmail('r3')];
    const claims = [];
    for (const email of emails)
      claims.push(await labourClaim(t, o, await consentingVictim(o, email), tenDaysAgo));

    const before = await outboxState(t.ctx.db);
    const down = startJobs(
      { ...t.ctx, config: { ...t.config, redisUrl: UNREACHABLE_REDIS_URL } },
      { mode: 'relay', schedule: false },
    );
    try {
      for (const claimId of claims) await move(t, o, claimId, 'hearing');
      await sleep(500); // several relay passes against the unreachable Redis
      const during = await outboxState(t.ctx.db);
      expect(during.pending).toBe(before.pending + 3);
      expect(during.delivered).toBe(before.delivered);
      await request(t.app).get('/healthz').expect(200);
      const listed = await request(t.app)
        .get('/v1/claims')
        .set('Authorization', o.worker.authHeader)
        .expect(200);
      expect(listed.body.items.length).toBe(3);
    } finally {
      await down.stop();
    }

    const jobs = startJobs(t.ctx, { mode: 'worker', schedule: false });
    try {
      for (const email of emails) await smtp.waitFor((m) => m.envelopeTo.includes(email), 15_000);
      await eventually(async () => (await outboxState(t.ctx.db)).pending === 0, 10_000, 'an empty outbox');
      await sleep(500);
      for (const email of emails) expect(mailsTo(email)).toHaveLength(1);
      for (const claimId of claims) {
        const ids = await statusOutboxIds(t, claimId);
        expect(ids).toHaveLength(1);
        expect(await deliveryDetail(t, ids[0]!)).toMatch(/^victim \(fil\): smtp 250/);
      }
    } finally {
      await jobs.stop();
    }
  });

  it('loses and doubles nothing when the worker is killed with SIGKILL mid-batch and restarted', async () => {
    const o = await office(t);
    const email = uniqueEmail('sigkill');
    const claimId = await labourClaim(t, o, await consentingVictim(o, email), tenDaysAgo);
    const total = 60;
    // As many messages as transitions would write, without walking one claim through 60 states.
    const ids = await transact(t.ctx.db, async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < total; i++)
        out.push(await enqueueOutbox(trx, 'claim.status_changed', { claimId, status: 'hearing' }));
      return out;
    });
    const delivered = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('outbox_deliveries')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('outbox_id', 'in', ids)
            .executeTakeFirstOrThrow()
        ).n,
      );

    const first = spawnWorker();
    await eventually(async () => (await delivered()) >= 3, 45_000, 'the first deliveries').catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${first.output()}`);
      },
    );
    // SIGKILL the worker itself: tsx runs it as a child and cannot pass on a SIGKILL.
    process.kill(workerPid(first.output()), 'SIGKILL');
    await first.exit;
    const atKill = await delivered();
    expect(atKill).toBeLessThan(total); // it really was mid-batch

    const second = spawnWorker();
    await eventually(async () => (await delivered()) === total, 75_000, 'every delivery').catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${second.output()}`);
      },
    );
    await sleep(1000);
    second.child.kill('SIGTERM');
    await second.exit;

    // Every message has exactly one delivery record and reached the SMTP server.
    const rows = await t.ctx.db
      .selectFrom('outbox_deliveries')
      .select('outbox_id')
      .where('outbox_id', 'in', ids)
      .execute();
    expect(rows.map((r) => r.outbox_id).sort()).toEqual([...ids].sort());
    const received = mailsTo(email);
    const byMessageId = new Map<string, number>();
    for (const m of received) byMessageId.set(m.messageId, (byMessageId.get(m.messageId) ?? 0) + 1);
    expect(byMessageId.size).toBe(total);
    for (const id of ids)
      expect([...byMessageId.keys()].some((k) => k.startsWith(`<outbox-${id}.`))).toBe(true);
    // A message the SMTP server accepted in the instant before the kill let its commit through
    // is sent again under the same Message-ID (jobs/execute.ts); nothing else may repeat.
    const resent = received.length - total;
    expect(resent).toBeLessThanOrEqual(Number(t.config.jobConcurrency));
  });
});

/** The worker's own process id, from its pino start-up line. */
function workerPid(output: string): number {
  const line = output.split('\n').find((l) => l.includes('Redress worker started'));
  const pid = line ? /"pid":(\d+)/.exec(line)?.[1] : undefined;
  if (!pid) throw new Error(`no start-up line with a pid in:\n${output}`);
  return Number(pid);
}

function spawnWorker(): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['jobs/worker.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      DATA_DIR: path.join(t.config.dataDir, 'worker'),
      DATABASE_URL: t.databaseUrl,
      REDIS_URL,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: prefix,
      PII_KEYS: t.config.piiKeys!,
      BLIND_INDEX_KEY: t.config.blindIndexKey!,
      JOB_BACKOFF_MS: '150',
      LOG_LEVEL: 'info',
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
