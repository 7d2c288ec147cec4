import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { LOCALES_DIR, sharedLanguage } from '../../src/lib/i18n';
import { aUser, type TestUser } from '../helpers/factories';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { uniqueQueuePrefix } from '../jobs/fixtures';

// Staff choose the language of their e-mails; the catalogs are the expected texts.

let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
let admin: TestUser;
let jobs: Jobs | undefined;
const prefix = uniqueQueuePrefix();

const catalog = (language: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, language, 'mail.json'), 'utf8'));

beforeAll(async () => {
  mail = await startMailApp(prefix, { RELAY_INTERVAL_MS: '100' });
  ({ t, smtp } = mail);
  admin = await aUser(t, { role: 'admin', direct: true });
});
afterAll(async () => {
  await jobs?.stop();
  await mail.close();
});

const newUser = (email: string, extra: Record<string, unknown> = {}) =>
  request(t.app)
    .post('/v1/users')
    .set('Authorization', admin.authHeader)
    .send({ email, name: 'Staff Member', password: 'a long enough password', role: 'auditor', ...extra });

const patch = (by: TestUser, id: string, body: unknown) =>
  request(t.app)
    .patch(`/v1/users/${id}`)
    .set('Authorization', by.authHeader)
    .send(body as object);

describe('staff e-mail language', () => {
  it('defaults to English, refuses an unknown language, and lets the person or an admin change it (audited)', async () => {
    const plain = await newUser('plain.staff@example.org').expect(201);
    expect(plain.body.preferredLanguage).toBe('en');
    const bad = await newUser('bad.language@example.org', { preferredLanguage: 'xx' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const none = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'bad.language@example.org')
      .execute();
    expect(none).toEqual([]);

    const worker = await aUser(t, { role: 'legal_aid', direct: true });
    const colleague = await aUser(t, { role: 'legal_aid', office: worker.organizationId, direct: true });
    expect(
      (await patch(worker, worker.id, { preferredLanguage: 'km' }).expect(200)).body.preferredLanguage,
    ).toBe('km');
    await patch(colleague, worker.id, { preferredLanguage: 'th' }).expect(404); // not theirs to change
    await patch(worker, worker.id, { preferredLanguage: 'klingon' }).expect(400);
    await patch(admin, worker.id, { preferredLanguage: 'my' }).expect(200);
    await patch(admin, '00000000-0000-4000-8000-000000000000', { preferredLanguage: 'th' }).expect(404);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('preferred_language')
      .where('id', '=', worker.id)
      .executeTakeFirstOrThrow();
    expect(row.preferred_language).toBe('my');
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'details'])
      .where('action', '=', 'user.update')
      .where('resource_id', '=', worker.id)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { actor_id: worker.id, details: { preferredLanguage: 'km' } },
      { actor_id: admin.id, details: { preferredLanguage: 'my' } },
    ]);
  });

  it('sends the welcome e-mail in the language on the account when it is sent', async () => {
    const thai = await newUser('thai.staff@example.org', { preferredLanguage: 'th' }).expect(201);
    expect(thai.body.preferredLanguage).toBe('th');
    const later = await newUser('indonesian.staff@example.org').expect(201);
    await patch(admin, later.body.id, { preferredLanguage: 'id' }).expect(200);

    jobs = startJobs(t.ctx, { mode: 'worker', schedule: false });
    const th = await smtp.waitFor((m) => m.envelopeTo.includes('thai.staff@example.org'), 20_000);
    expect(th.subject).toBe(catalog('th')['welcome.subject']);
    const id = await smtp.waitFor((m) => m.envelopeTo.includes('indonesian.staff@example.org'), 20_000);
    expect(id.subject).toBe(catalog('id')['welcome.subject']);
    const en = await smtp.waitFor((m) => m.envelopeTo.includes('plain.staff@example.org'), 20_000);
    expect(en.subject).toBe(catalog('en')['welcome.subject']);
  });
});

describe('sharedLanguage (one e-mail to several staff members)', () => {
  it("uses the recipients' language when they share one, else English", () => {
    expect(sharedLanguage([{ preferred_language: 'th' }, { preferred_language: 'th' }])).toBe('th');
    expect(sharedLanguage([{ preferred_language: 'th' }, { preferred_language: 'vi' }])).toBe('en');
    expect(sharedLanguage([{ preferred_language: 'km' }])).toBe('km');
    expect(sharedLanguage([])).toBe('en');
  });
});
