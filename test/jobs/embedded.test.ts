import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { InlineRetries, relayInline } from '../../jobs/relay';
import { startJobs, type Jobs } from '../../jobs/start';
import { createMailer } from '../../src/notifications/mailer';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';
import { enqueueWelcome, eventually, outboxState } from './fixtures';

let t: TestApp;
let jobs: Jobs;
let mailDir: string;

beforeAll(async () => {
  // No REDIS_URL, no SMTP_URL: the embedded default. The interval is long so that only
  // ctx.outbox.kick() can explain a prompt delivery.
  t = await createTestApp({ RELAY_INTERVAL_MS: '60000', PUBLIC_URL: 'https://redress.example.org' });
  mailDir = path.join(t.config.dataDir, 'mail');
  jobs = startJobs(t.ctx, { mode: 'embedded' });
});
afterAll(async () => {
  await jobs.stop();
  await t.close();
  fs.rmSync(t.config.dataDir, { recursive: true, force: true });
});

// The waits below are generous (busy CI machines); the test timeout leaves room for them.
jest.setTimeout(90_000);

const emlFile = (outboxId: string) => path.join(mailDir, `outbox-${outboxId}.eml`);

describe('embedded mode (no Redis, no SMTP)', () => {
  it('writes the welcome e-mail as an .eml file named after the outbox id, on kick', async () => {
    expect(jobs.mode).toBe('embedded');
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true, name: 'Dara Sok' });
    await eventually(async () => (await outboxState(t.ctx.db)).pending === 0, 20_000, 'start-up pass');
    const outboxId = await enqueueWelcome(t.ctx.db, user.id);
    t.ctx.outbox.kick();

    const file = emlFile(outboxId);
    await eventually(async () => fs.existsSync(file), 20_000, `${file} to appear`);
    const mail = await simpleParser(fs.readFileSync(file));
    expect(mail.subject).toBe('Your Redress account');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual([
      user.email,
    ]);
    expect(mail.from?.value).toEqual([{ name: 'Redress', address: 'no-reply@redress.local' }]);
    expect(mail.text).toContain('Hello Dara Sok,');
    expect(mail.text).toContain('https://redress.example.org');
    expect(mail.html).toContain('href="https://redress.example.org"');
    expect(mail.messageId).toMatch(new RegExp(`^<outbox-${outboxId}\\.\\d+@redress\\.example\\.org>$`));

    // The file is written before the delivery record commits: wait for the record, not the file.
    const deliveryOf = () =>
      t.ctx.db
        .selectFrom('outbox_deliveries')
        .select('detail')
        .where('outbox_id', '=', outboxId)
        .executeTakeFirst();
    const delivery = await eventually(deliveryOf, 20_000, 'the delivery record');
    expect(delivery.detail).toBe(`file outbox-${outboxId}.eml`);
    expect(await outboxState(t.ctx.db)).toMatchObject({ pending: 0 });
  });

  it('overwrites the same file when a message is sent again, never adding a second one', async () => {
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true });
    const outboxId = await enqueueWelcome(t.ctx.db, user.id);
    t.ctx.outbox.kick();
    await eventually(async () => fs.existsSync(emlFile(outboxId)), 20_000, 'first file');
    const filesBefore = fs.readdirSync(mailDir).length;

    // The crash window: the file was written but the delivery record was lost with the commit.
    await t.ctx.db.deleteFrom('outbox_deliveries').where('outbox_id', '=', outboxId).execute();
    await t.ctx.db.updateTable('outbox').set({ relayed_at: null }).where('id', '=', outboxId).execute();
    t.ctx.outbox.kick();
    await eventually(
      async () =>
        (
          await t.ctx.db
            .selectFrom('outbox_deliveries')
            .select('outbox_id')
            .where('outbox_id', '=', outboxId)
            .execute()
        ).length === 1,
      20_000,
      'second delivery record',
    );
    expect(fs.readdirSync(mailDir)).toHaveLength(filesBefore);
    expect(fs.readdirSync(mailDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('sends nothing to a deactivated user, and records why', async () => {
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true, active: false });
    const outboxId = await enqueueWelcome(t.ctx.db, user.id);
    t.ctx.outbox.kick();
    const delivery = await eventually(
      () =>
        t.ctx.db
          .selectFrom('outbox_deliveries')
          .select('detail')
          .where('outbox_id', '=', outboxId)
          .executeTakeFirst(),
      20_000,
      'delivery record',
    );
    expect(delivery.detail).toBe('skipped: user inactive');
    expect(fs.existsSync(emlFile(outboxId))).toBe(false);
  });

  it('gives up at once on a malformed payload and leaves other messages flowing', async () => {
    await jobs.stop(); // drive the passes by hand
    const bad = await t.ctx.db
      .insertInto('outbox')
      .values({ topic: 'user.welcome', payload: JSON.stringify({ userId: 'not-a-uuid' }), relayed_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const future = await t.ctx.db
      .insertInto('outbox')
      .values({ topic: 'claim.from_a_newer_release', payload: JSON.stringify({}), relayed_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true });
    const good = await enqueueWelcome(t.ctx.db, user.id);

    const mailer = createMailer(t.config);
    const retries = new InlineRetries(t.config);
    const pass = () => relayInline({ db: t.ctx.db, config: t.config, logger: t.ctx.logger, mailer, retries });
    expect(await pass()).toEqual({ relayed: [good], failed: [bad.id] });
    expect(await pass()).toEqual({ relayed: [], failed: [] });
    expect(retries.blocked(Date.now() + 3_600_000)).toEqual([bad.id]);

    // The unknown topic is not touched: a worker of the newer release will take it.
    const pending = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('relayed_at', 'is', null)
      .orderBy('id')
      .execute();
    expect(pending.map((r) => r.id)).toEqual([bad.id, future.id]);
    const count = await sql<{
      n: string;
    }>`select count(*) as n from outbox_deliveries where outbox_id in (${bad.id}, ${future.id})`.execute(
      t.ctx.db,
    );
    expect(count.rows[0]?.n).toBe('0');
    jobs = startJobs(t.ctx, { mode: 'embedded' }); // for afterAll
  });
});
