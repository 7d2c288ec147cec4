import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { runCli } from '../../scripts/cli';
import { LANGUAGES, LOCALES_DIR, missingTranslations } from '../../src/lib/i18n';
import { i18nReport } from '../../src/notifications/i18n-report';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp, testAppEnv } from '../helpers/test-app';
import { eventually } from '../jobs/fixtures';
import { FORBIDDEN, labourClaim, move, office, statusOutboxIds, uniqueEmail, victim } from './support';

jest.setTimeout(60_000);

let t: TestApp;
let jobs: Jobs | undefined;

beforeAll(async () => {
  // No REDIS_URL, no SMTP_URL: embedded mode, e-mails as .eml files in DATA_DIR/mail.
  t = await createTestApp({ RELAY_INTERVAL_MS: '100', PUBLIC_URL: 'https://redress.example.net' });
});
afterAll(async () => {
  await jobs?.stop();
  await t.close();
  fs.rmSync(t.config.dataDir, { recursive: true, force: true });
});

const emlOf = (outboxId: string) => path.join(t.config.dataDir, 'mail', `outbox-${outboxId}.eml`);

describe('embedded mode', () => {
  it('writes the status e-mail and the in-process scan reminder as .eml files', async () => {
    const o = await office(t);
    const email = uniqueEmail('embedded');
    const v = await victim(t, o, {
      preferredLanguage: 'en',
      contact: { email, safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    // Filed 55 days ago: the 60-day decision deadline is 5 days away, in the 7-day bucket.
    const filedOn = new Date(Date.now() - 55 * 86_400_000).toISOString().slice(0, 10);
    const claimId = await labourClaim(t, o, v, filedOn);
    await move(t, o, claimId, 'conciliation');
    const [statusId] = await statusOutboxIds(t, claimId);
    // Started after the data exists, so the first in-process scan surely sees the claim.
    jobs = startJobs(t.ctx, { mode: 'embedded' });
    await eventually(async () => fs.existsSync(emlOf(statusId!)), 10_000, 'the status .eml');
    const status = fs.readFileSync(emlOf(statusId!), 'utf8');
    expect(status).toMatch(new RegExp(`^To: ${email.replace(/[.]/g, '\\.')}\\r?$`, 'm'));
    expect(status).toMatch(/^Subject: There is an update for you\r?$/m);
    expect(status).toContain('https://redress.example.net/status');

    // The daily scan runs in-process on start-up in embedded mode (no Redis for a cron).
    const reminder = await eventually(
      () =>
        t.ctx.db
          .selectFrom('deadline_reminders')
          .select(['outbox_id', 'offset_days'])
          .where('claim_id', '=', claimId)
          .executeTakeFirst(),
      15_000,
      'the scan to enqueue a reminder',
    );
    expect(reminder.offset_days).toBe(7);
    await eventually(async () => fs.existsSync(emlOf(reminder.outbox_id!)), 10_000, 'the reminder .eml');
    const text = fs.readFileSync(emlOf(reminder.outbox_id!), 'utf8');
    expect(text).toMatch(new RegExp(`^To: ${o.workerEmail.replace(/[.]/g, '\\.')}\\r?$`, 'm'));
    expect(text).toMatch(/^Subject: Reminder: a deadline is due in 5 day\(s\)\r?$/m);
  });

  it('lists no failed jobs to an admin while nothing has failed', async () => {
    const admin = await aUser(t, { role: 'admin', direct: true });
    const res = await request(t.app)
      .get('/v1/admin/jobs/failed')
      .set('Authorization', admin.authHeader)
      .expect(200);
    expect(res.body).toEqual({ items: [], alerts: [] });
  });
});

describe('mail catalogs', () => {
  const catalog = (language: string) =>
    JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, language, 'mail.json'), 'utf8')) as Record<
      string,
      string
    >;
  const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

  it('has every English text in every language, with the same placeholders and no forbidden word', () => {
    expect(missingTranslations().filter((m) => m.namespace === 'mail')).toEqual([]);
    const english = catalog('en');
    for (const language of LANGUAGES) {
      const texts = catalog(language);
      expect(Object.keys(texts).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(texts)) {
        expect([language, key, placeholders(text)]).toEqual([language, key, placeholders(english[key]!)]);
        expect([language, key, text]).toEqual([language, key, expect.not.stringMatching(FORBIDDEN)]);
      }
    }
  });

  it('i18n-check lists a text missing from the catalogs, one line per language, and exits 1', async () => {
    const namespace = `zz-probe-${crypto.randomBytes(3).toString('hex')}`;
    const file = path.join(LOCALES_DIR, 'en', `${namespace}.json`);
    fs.writeFileSync(file, JSON.stringify({ 'probe.title': 'Probe' }));
    try {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['i18n-check'], {
        env: testAppEnv(t),
        stdout: (s) => (stdout += s),
        stderr: (s) => (stderr += s),
      });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const lines = stderr.split('\n');
      for (const language of ['th', 'id', 'vi', 'fil', 'km', 'my'])
        expect(lines).toContain(`${language} ${namespace}:probe.title`);
      expect(lines).not.toContain(`en ${namespace}:probe.title`);
      expect(stderr).toMatch(/^\d+ missing translation\(s\), shown in English until added:$/m);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('reports complete catalogs as such', () => {
    expect(i18nReport([])).toEqual({
      ok: true,
      text: expect.stringMatching(/^All translations present: en, th/),
    });
    expect(i18nReport([{ language: 'km', namespace: 'mail', key: 'update.subject' }])).toEqual({
      ok: false,
      text: '1 missing translation(s), shown in English until added:\nkm mail:update.subject',
    });
  });
});
