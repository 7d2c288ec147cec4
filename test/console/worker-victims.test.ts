import { sql } from 'kysely';
import { aClaim, aFund, aUser, aVictim, type TestUser } from '../helpers/factories';
import { consoleFor, flashCookieOf, type ConsoleClient } from '../helpers/console';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The legal aid worker's console pages: caseload, victim search, registration, the victim page. */
let t: TestApp;
let worker: TestUser;
let c: ConsoleClient;
let victim: { id: string; reference: string };

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await createTestApp();
  worker = await aUser(t, { role: 'legal_aid' });
  c = await consoleFor(t, worker);
  victim = await aVictim(t, worker, { fullName: 'Mya Thandar Win' });
  await aClaim(t, worker, {
    victimId: victim.id,
    route: 'civil',
    heads: [{ head: 'unpaid_wages', amount: '12000.00' }],
  });
});
afterAll(async () => {
  await t.close();
});

async function victimCount(): Promise<number> {
  const row = await sql<{ n: string }>`select count(*)::text as n from victims`.execute(t.ctx.db);
  return Number(row.rows[0]!.n);
}

describe('the caseload home', () => {
  it('shows my open claims and my victims, linking to their pages', async () => {
    const res = await c.get('/console').expect(200);
    expect(res.text).toContain('<html lang="en"');
    expect(res.text).toContain('My open claims');
    expect(res.text).toContain(`href="/console/victims/${victim.id}"`);
    expect(res.text).toMatch(/href="\/console\/claims\/[0-9a-f-]{36}"/);
    expect(res.text).toContain('Mya Thandar Win');
  });

  it('is drawn in the worker’s language', async () => {
    await c.post('/console/language', { language: 'th', back: '/console' }).expect(303);
    const res = await c.get('/console').expect(200);
    expect(res.text).toContain('<html lang="th"');
    expect(res.text).toContain('คำร้องที่ยังดำเนินการอยู่ของฉัน');
    await c.post('/console/language', { language: 'en', back: '/console' }).expect(303);
  });
});

describe('finding victims', () => {
  it('lists the office’s victims and finds one by name through a posted form (no name in a URL)', async () => {
    const list = await c.get('/console/victims').expect(200);
    expect(list.text).toContain(victim.reference);
    expect(list.text).toContain('method="post" action="/console/victims"');

    const found = await c.post('/console/victims', { name: 'Thandar' }).expect(200);
    expect(found.text).toContain(`href="/console/victims/${victim.id}"`);
    const none = await c.post('/console/victims', { name: 'Nobody Atall' }).expect(200);
    expect(none.text).toContain('No victim matches.');
  });

  it('starts the list again for a cursor that is not one', async () => {
    const res = await c.get('/console/victims?cursor=bm90LWEtY3Vyc29y').expect(200);
    expect(res.text).toContain(victim.reference);
  });

  it('refuses a malformed criterion with the field error', async () => {
    const res = await c.post('/console/victims', { documentNumber: 'x' }).expect(422);
    expect(res.text).toContain('id="f-documentNumber"');
    expect(res.text).toContain('aria-invalid="true"');
  });
});

describe('registering a victim', () => {
  const form = {
    fullName: 'Nwe Ni Aung',
    preferredLanguage: 'my',
    nationality: 'MM',
    'consent[shareWithFundAgency]': 'true',
    'consent[contactByEmail]': 'false',
    'contact[phone]': '+66 81 555 0101',
    'contact[safeToContact]': 'true',
    'identityDocuments[0][type]': '',
    'identityDocuments[0][number]': '',
  };

  it('shows the form with every control labelled', async () => {
    const res = await c.get('/console/victims/new').expect(200);
    expect(res.text).toContain('for="f-consent-shareWithFundAgency"');
    expect(res.text).toContain('name="guardian[name]"');
  });

  it('registers with the API’s rules and lands on the victim page', async () => {
    const res = await c.post('/console/victims/new', form).expect(303);
    expect(res.headers.location).toMatch(/^\/console\/victims\/[0-9a-f-]{36}$/);
    expect(flashCookieOf(res)).toBeDefined();
    const page = await c
      .get(res.headers.location as string)
      .set('Cookie', `${c.cookie}; ${flashCookieOf(res)}`)
      .expect(200);
    expect(page.text).toContain('Nwe Ni Aung');
    expect(page.text).toMatch(/Victim V-[A-Z0-9]{8} is registered\./);
  });

  it('warns of a duplicate identity document on the victim page', async () => {
    const res = await c
      .post('/console/victims/new', {
        ...form,
        fullName: 'Somebody Else',
        'identityDocuments[0][type]': 'passport',
        'identityDocuments[0][number]': 'MA 1234567',
      })
      .expect(303);
    const page = await c
      .get(res.headers.location as string)
      .set('Cookie', `${c.cookie}; ${flashCookieOf(res)}`)
      .expect(200);
    expect(page.text).toContain('Check for a duplicate');
    expect(page.text).toContain(victim.reference);
  });

  it('refuses a form without consent, showing the field error, and registers nobody', async () => {
    const before = await victimCount();
    const { 'consent[shareWithFundAgency]': _dropped, ...withoutConsent } = form;
    const res = await c.post('/console/victims/new', withoutConsent).expect(422);
    expect(res.text).toContain('href="#f-consent-shareWithFundAgency"');
    expect(res.text).toContain('value="Nwe Ni Aung"');
    expect(await victimCount()).toBe(before);
  });

  it('refuses a guardian for an adult (the service’s rule) next to the field, registering nobody', async () => {
    const before = await victimCount();
    const res = await c
      .post('/console/victims/new', { ...form, dateOfBirth: '1990-05-01', 'guardian[name]': 'U Ba' })
      .expect(400);
    expect(res.text).toContain('href="#f-guardian"');
    expect(res.text).toContain('id="f-guardian"');
    expect(await victimCount()).toBe(before);
  });
});

describe('the victim page', () => {
  it('shows facts, the claims of all four routes, compensation per head, witness assistance, documents and the access code', async () => {
    const res = await c.get(`/console/victims/${victim.id}`).expect(200);
    expect(res.text).toContain('Mya Thandar Win');
    for (const route of ['Civil', 'Labour', 'Criminal', 'State fund'])
      expect(res.text).toContain(`<h3>${route}</h3>`);
    expect(res.text).toContain(`href="/console/victims/${victim.id}/claims/new"`);
    expect(res.text).toContain('Unpaid wages');
    expect(res.text).toContain('<dd>မြန်မာ</dd>');
    expect(res.text).toContain('12000.00');
    expect(res.text).toContain('Assistance while a witness');
    expect(res.text).toContain('enctype="multipart/form-data"');
    expect(res.text).toContain('No access code has been issued.');
  });

  it('is not found for another office’s worker, nor for an id that is none', async () => {
    const stranger = await consoleFor(t, await aUser(t, { role: 'legal_aid' }));
    const res = await stranger.get(`/console/victims/${victim.id}`).expect(404);
    expect(res.text).not.toContain('Mya Thandar Win');
    await c.get('/console/victims/not-an-id').expect(404);
  });

  it('shows a fund administrator of a fund with a claim of the victim only what a payment needs', async () => {
    const admin = await aUser(t, { role: 'fund_admin' });
    const fundId = await aFund(t, admin);
    await aClaim(t, worker, {
      victimId: victim.id,
      route: 'state_fund',
      fundId,
      heads: [{ head: 'medical_expenses', amount: '500.00' }],
    });
    const res = await (await consoleFor(t, admin)).get(`/console/victims/${victim.id}`).expect(200);
    expect(res.text).toContain(victim.reference);
    expect(res.text).not.toContain('Mya Thandar Win');
    expect(res.text).not.toContain('MA 1234567');
    expect(res.text).not.toContain('+66 81 234 5678');
    expect(res.text).not.toContain('enctype="multipart/form-data"');
  });

  it('is not found for a fund administrator whose funds have no claim of the victim, and refused to an auditor', async () => {
    const fundAdmin = await consoleFor(t, await aUser(t, { role: 'fund_admin' }));
    const res = await fundAdmin.get(`/console/victims/${victim.id}`).expect(404);
    expect(res.text).not.toContain('Mya Thandar Win');
    const auditor = await consoleFor(t, await aUser(t, { role: 'auditor' }));
    const refused = await auditor.get(`/console/victims/${victim.id}`).expect(403);
    expect(refused.text).not.toContain(victim.reference);
  });
});

describe('the status access code', () => {
  it('issues a code shown once on a printable card; sent again, the form only goes back', async () => {
    const formKey = 'access-code-form-key-0001';
    const res = await c.post(`/console/victims/${victim.id}/access-code`, { _formKey: formKey }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain(victim.reference);
    expect(res.text).toContain('class="access-card" lang="my"');
    const code = /<dd class="code">([^<]+)<\/dd>\s*<\/dl>/.exec(res.text)?.[1];
    expect(code).toBeTruthy();

    const again = await c
      .post(`/console/victims/${victim.id}/access-code`, { _formKey: formKey })
      .expect(303);
    expect(again.headers.location).toBe(`/console/victims/${victim.id}`);
    const page = await c.get(`/console/victims/${victim.id}`).expect(200);
    expect(page.text).toContain('The current code was issued on');
    expect(page.text).not.toContain(code as string);
  });

  it('is refused to another office (404) and issues nothing', async () => {
    const stranger = await consoleFor(t, await aUser(t, { role: 'legal_aid' }));
    await stranger.post(`/console/victims/${victim.id}/access-code`).expect(404);
  });
});
