import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, LOCALES_DIR, missingTranslations } from '../../src/lib/i18n';
import { getClaim } from '../../src/claims/claims.service';
import { listClaimHearings } from '../../src/claims/hearings/hearings.reads';
import { listPaymentsReceived } from '../../src/claims/payment-voids.service';
import { aClaim, aFund, aUser, aVictim, today, type TestUser } from '../helpers/factories';
import { consoleFor, type ConsoleClient } from '../helpers/console';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The legal aid worker's claim pages: filing, the claim page, its steps, payments and hearings. */
let t: TestApp;
let worker: Awaited<ReturnType<typeof aUser>>;
let c: ConsoleClient;
let victimId: string;

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await createTestApp();
  worker = await aUser(t, { role: 'legal_aid' });
  c = await consoleFor(t, worker);
  victimId = (await aVictim(t, worker)).id;
});
afterAll(async () => {
  await t.close();
});

const claimOf = (id: string, who: TestUser = worker) => getClaim(t.ctx, who.actor, id, 'test');
const labourClaim = () =>
  aClaim(t, worker, { victimId, route: 'labour', heads: [{ head: 'unpaid_wages', amount: '12000.00' }] });
/** A form as a browser sends it: nested fields named `heads[0][amount]`, as the form draws them. */
function asForm(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object') return { [prefix]: String(value) };
  return Object.assign(
    {},
    ...Object.entries(value).map(([k, v]) => asForm(v, prefix ? `${prefix}[${k}]` : k)),
  ) as Record<string, string>;
}
const idFrom = (location: string) => /\/console\/claims\/([0-9a-f-]{36})$/.exec(location)?.[1] ?? '';

describe('filing a claim', () => {
  it('asks for the route first, then shows that route’s fields', async () => {
    const choose = await c.get(`/console/victims/${victimId}/claims/new`).expect(200);
    expect(choose.text).toContain('<html lang="en"');
    expect(choose.text).toContain(`/console/victims/${victimId}/claims/new?route=state_fund`);
    const criminal = await c.get(`/console/victims/${victimId}/claims/new?route=criminal`).expect(200);
    expect(criminal.text).toContain('name="mode"');
    expect(criminal.text).not.toContain('name="fundId"');
  });

  it('offers the funds of the fund directory on the State-fund route and files there', async () => {
    const fundAdmin = await aUser(t, { role: 'fund_admin' });
    const fundId = await aFund(t, fundAdmin, { name: 'Directory Fund One' });
    const page = await c.get(`/console/victims/${victimId}/claims/new?route=state_fund`).expect(200);
    expect(page.text).toContain(`value="${fundId}"`);
    expect(page.text).toContain('Directory Fund One');
    const filed = await c
      .post(
        `/console/victims/${victimId}/claims/new`,
        asForm({
          victimId,
          route: 'state_fund',
          fundId,
          jurisdiction: 'TH',
          currency: 'THB',
          heads: [{ head: 'medical_expenses', amount: '2500.00' }],
        }),
      )
      .expect(303);
    const claim = await claimOf(idFrom(filed.headers.location as string));
    expect([claim.route, claim.fundId, claim.status]).toEqual(['state_fund', fundId, 'submitted']);
  });

  it('files a labour claim with two heads (an empty row ignored) and goes to its page', async () => {
    const res = await c.post(
      `/console/victims/${victimId}/claims/new`,
      asForm({
        victimId,
        route: 'labour',
        jurisdiction: 'TH',
        currency: 'THB',
        respondent: 'Golden Net Seafood Co.',
        heads: [
          { head: 'unpaid_wages', amount: '45000.50' },
          { head: '', amount: '', description: '' },
          { head: 'legal_fees', amount: '3000' },
        ],
      }),
    );
    expect(res.status).toBe(303);
    const id = idFrom(res.headers.location as string);
    const claim = await claimOf(id);
    expect(claim.route).toBe('labour');
    expect(claim.heads.map((h) => [h.head, h.claimed])).toEqual([
      ['unpaid_wages', '45000.50'],
      ['legal_fees', '3000.00'],
    ]);
    const page = await c.get(`/console/claims/${id}`).expect(200);
    expect(page.text).toContain(claim.reference);
    expect(page.text).toContain('Golden Net Seafood Co.');
    expect(page.text).toContain('45000.50');
  });

  it('refuses an amount that is not money, showing the error at the field and filing nothing', async () => {
    const before = await t.ctx.db
      .selectFrom('claims')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await c
      .post(
        `/console/victims/${victimId}/claims/new`,
        asForm({
          victimId,
          route: 'labour',
          jurisdiction: 'TH',
          currency: 'THB',
          heads: [{ head: 'unpaid_wages', amount: 'lots' }],
        }),
      )
      .expect(422);
    expect(res.text).toMatch(/id="f-heads-0-amount-error"/);
    expect(res.text).toContain('aria-invalid="true"');
    const after = await t.ctx.db
      .selectFrom('claims')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('the claim page', () => {
  it('shows only the allowed next steps, each asking what it needs', async () => {
    const id = await labourClaim();
    const page = await c.get(`/console/claims/${id}`).expect(200);
    expect(page.text).toContain('Move to: Conciliation');
    expect(page.text).toContain('Move to: Hearing');
    expect(page.text).not.toContain('Move to: Award');
    expect(page.text).toContain('name="hearingOn"');
  });

  it('moves the claim to a hearing, then refuses an award without amounts and takes one with them', async () => {
    const id = await labourClaim();
    await c.post(`/console/claims/${id}/transitions`, { to: 'hearing', occurredOn: today() }).expect(303);
    expect((await claimOf(id)).status).toBe('hearing');

    const page = await c.get(`/console/claims/${id}`).expect(200);
    expect(page.text).toContain('name="award[heads][0][amount]"');
    const refused = await c.post(`/console/claims/${id}/transitions`, { to: 'award' }).expect(400);
    expect(refused.text).toContain('class="error-summary"');
    expect((await claimOf(id)).status).toBe('hearing');

    await c
      .post(
        `/console/claims/${id}/transitions`,
        asForm({ to: 'award', award: { heads: [{ head: 'unpaid_wages', amount: '10000.00' }] } }),
      )
      .expect(303);
    const awarded = await claimOf(id);
    expect(awarded.status).toBe('award');
    expect(awarded.heads[0]?.awarded).toBe('10000.00');
  });

  it('records a payment received, refuses one without a day, and voids one with a reason', async () => {
    const id = await labourClaim();
    const refused = await c
      .post(`/console/claims/${id}/payments`, {
        head: 'unpaid_wages',
        amount: '500',
        payer: 'employer',
        paidTo: 'victim',
      })
      .expect(422);
    expect(refused.text).toContain('id="f-receivedOn-error"');
    const none = await listPaymentsReceived(t.ctx, worker.actor, id, { limit: 10 }, 'test');
    expect(none.items).toHaveLength(0);

    await c
      .post(`/console/claims/${id}/payments`, {
        head: 'unpaid_wages',
        amount: '500.00',
        receivedOn: today(),
        payer: 'employer',
        paidTo: 'victim',
      })
      .expect(303);
    const paid = await listPaymentsReceived(t.ctx, worker.actor, id, { limit: 10 }, 'test');
    expect(paid.items.map((p) => p.amount)).toEqual(['500.00']);
    const paymentId = paid.items[0]!.id;

    await c.post(`/console/claims/${id}/payments/${paymentId}/void`, { reason: '' }).expect(422);
    await c.post(`/console/claims/${id}/payments/${paymentId}/void`, { reason: 'Typed twice' }).expect(303);
    const after = await listPaymentsReceived(t.ctx, worker.actor, id, { limit: 10 }, 'test');
    expect(after.items[0]?.voided).toBeTruthy();
    const page = await c.get(`/console/claims/${id}`).expect(200);
    expect(page.text).toContain('Voided: Typed twice');
  });

  it('schedules, adjourns to a new day and cancels hearings; a hearing without a day is refused', async () => {
    const id = await labourClaim();
    const refused = await c.post(`/console/claims/${id}/hearings`, { kind: 'hearing' }).expect(422);
    expect(refused.text).toContain('id="f-date-error"');

    await c
      .post(`/console/claims/${id}/hearings`, { kind: 'hearing', date: '2099-03-01', time: '09:30' })
      .expect(303);
    const [first] = (await listClaimHearings(t.ctx, worker.actor, id, 'test')).items;
    expect(first?.date).toBe('2099-03-01');

    await c
      .post(`/console/claims/${id}/hearings/${first!.id}/adjourn`, {
        reason: 'Judge ill',
        newDate: '2099-04-01',
      })
      .expect(303);
    const afterAdjourn = (await listClaimHearings(t.ctx, worker.actor, id, 'test')).items;
    expect(afterAdjourn.map((h) => [h.date, h.status]).sort()).toEqual([
      ['2099-03-01', 'adjourned'],
      ['2099-04-01', 'scheduled'],
    ]);
    const next = afterAdjourn.find((h) => h.status === 'scheduled')!;
    await c.post(`/console/claims/${id}/hearings/${next.id}/cancel`, { reason: 'Settled' }).expect(303);
    const last = (await listClaimHearings(t.ctx, worker.actor, id, 'test')).items.find(
      (h) => h.id === next.id,
    );
    expect(last?.status).toBe('cancelled');
  });

  it('corrects the case number with a reason, and refuses a correction without one', async () => {
    const id = await labourClaim();
    const refused = await c
      .post(`/console/claims/${id}/corrections`, { caseNumber: 'LC 1/2026' })
      .expect(422);
    expect(refused.text).toContain('id="f-reason-error"');
    expect((await claimOf(id)).caseNumber).toBeNull();
    await c
      .post(`/console/claims/${id}/corrections`, {
        caseNumber: 'LC 1/2026',
        reason: 'Number given by the court',
      })
      .expect(303);
    expect((await claimOf(id)).caseNumber).toBe('LC 1/2026');
  });

  it('shows an auditor the claim without case details, hearings, documents or any form', async () => {
    const id = await labourClaim();
    await c
      .post(`/console/claims/${id}/corrections`, { caseNumber: 'LC 9/2026', reason: 'From the court' })
      .expect(303);
    const auditor = await consoleFor(t, await aUser(t, { role: 'auditor' }));
    const page = await auditor.get(`/console/claims/${id}`).expect(200);
    expect(page.text).toContain((await claimOf(id)).reference);
    expect(page.text).not.toContain('LC 9/2026');
    expect(page.text).not.toContain(`/console/claims/${id}/payments"`);
    expect(page.text).not.toContain(`/console/claims/${id}/transitions"`);
    expect(page.text).not.toContain(`/console/claims/${id}/hearings"`);
    expect(page.text).not.toContain(`/console/victims/`);
  });

  it('answers 404 to a worker of another office, for the claim and for filing on the victim', async () => {
    const id = await labourClaim();
    const other = await consoleFor(t, await aUser(t, { role: 'legal_aid' }));
    await other.get(`/console/claims/${id}`).expect(404);
    await other.get(`/console/claims/not-an-id`).expect(404);
    await other
      .post(`/console/claims/${id}/payments`, {
        head: 'unpaid_wages',
        amount: '1.00',
        receivedOn: today(),
        payer: 'employer',
        paidTo: 'victim',
      })
      .expect(404);
    const none = await listPaymentsReceived(t.ctx, worker.actor, id, { limit: 10 }, 'test');
    expect(none.items).toHaveLength(0);
  });
});

describe('my hearings', () => {
  it('lists my hearings in a period, refuses a period that ends before it starts, and makes a feed address', async () => {
    const id = await labourClaim();
    await c.post(`/console/claims/${id}/hearings`, { kind: 'trial', date: '2099-06-15' }).expect(303);
    const page = await c.get('/console/hearings?from=2099-06-01&to=2099-06-30').expect(200);
    expect(page.text).toContain('2099-06-15');
    expect(page.text).toContain(`/console/claims/${id}`);
    const wrong = await c.get('/console/hearings?from=2099-06-30&to=2099-06-01').expect(400);
    expect(wrong.text).toContain('class="error-summary"');

    const made = await c.post('/console/hearings/calendar-feed').expect(303);
    const next = await c
      .get('/console/hearings')
      .set('Cookie', `${c.cookie}; ${(made.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]}`)
      .expect(200);
    expect(next.text).toMatch(/\/calendar\/[^"<\s]+\.ics/);
  });
});

describe('the claim pages’ texts', () => {
  const catalogs = ['console-claim', 'console-hearing', 'console-wages'];
  const placeholders = (text: string) => (text.match(/\{\{\w+\}\}/g) ?? []).sort().join(',');

  it('exist in all seven languages with the same keys and placeholders as English', () => {
    expect(missingTranslations().filter((m) => catalogs.includes(m.namespace))).toEqual([]);
    for (const catalog of catalogs) {
      const en = JSON.parse(
        fs.readFileSync(path.join(LOCALES_DIR, 'en', `${catalog}.json`), 'utf8'),
      ) as Record<string, string>;
      for (const language of LANGUAGES) {
        const other = JSON.parse(
          fs.readFileSync(path.join(LOCALES_DIR, language, `${catalog}.json`), 'utf8'),
        ) as Record<string, string>;
        expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
        for (const [key, text] of Object.entries(en))
          expect([key, placeholders(other[key]!)]).toEqual([key, placeholders(text)]);
      }
    }
  });

  it('draw the claim page in the worker’s language', async () => {
    const id = await labourClaim();
    await c.post('/console/language', { language: 'th', back: `/console/claims/${id}` }).expect(303);
    try {
      const page = await c.get(`/console/claims/${id}`).expect(200);
      expect(page.text).toContain('<html lang="th"');
      expect(page.text).toContain('ค่าจ้างค้างจ่าย');
    } finally {
      await c.post('/console/language', { language: 'en' }).expect(303);
    }
  });
});
