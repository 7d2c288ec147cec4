import { calculateWages } from '../../src/claims/wages';
import { aUser, aVictim } from '../helpers/factories';
import { consoleFor, type ConsoleClient } from '../helpers/console';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The wage calculator page and its way into a labour claim, filled in. */
let t: TestApp;
let c: ConsoleClient;
let victimId: string;

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await createTestApp();
  const worker = await aUser(t, { role: 'legal_aid' });
  c = await consoleFor(t, worker);
  victimId = (await aVictim(t, worker)).id;
});
afterAll(async () => {
  await t.close();
});

const query = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const aMonth = {
  jurisdiction: 'TH',
  currency: 'THB',
  calculateOn: '2025-06-30',
  'wage[amount]': '500',
  'wage[per]': 'day',
  'periods[0][from]': '2025-01-01',
  'periods[0][to]': '2025-01-31',
  'periods[0][daysWorked]': '20',
  'periods[1][from]': '',
  'periods[1][to]': '',
  'payments[0][paidOn]': '2025-02-05',
  'payments[0][amount]': '2000',
};

describe('the wage calculator', () => {
  it('shows the empty form in the worker’s language', async () => {
    const page = await c.get('/console/wages').expect(200);
    expect(page.text).toContain('<html lang="en"');
    expect(page.text).toContain('name="wage[amount]"');
    expect(page.text).toContain('name="periods[2][daysWorked]"');
    expect(page.text).not.toContain('class="error-summary"');
  });

  it('calculates as the API does (empty rows ignored) and offers to file a labour claim for my victim', async () => {
    const page = await c.get(`/console/wages?${query(aMonth)}`).expect(200);
    const expected = calculateWages({
      jurisdiction: 'TH',
      currency: 'THB',
      calculateOn: '2025-06-30',
      wage: { amount: '500', per: 'day' },
      periods: [{ from: '2025-01-01', to: '2025-01-31', daysWorked: 20 }],
      payments: [{ paidOn: '2025-02-05', amount: '2000' }],
    });
    expect(expected.totals.unpaidWages).toBe('8000.00');
    expect(page.text).toContain(expected.totals.total);
    expect(page.text).toContain('action="/console/wages/file"');
    expect(page.text).toContain(`value="${victimId}"`);
    expect(page.text).toContain(`name="amount0" value="${expected.heads[0]!.amount}"`);
  });

  it('refuses a wage that is not money and a day wage without days, at their fields', async () => {
    const notMoney = await c
      .get(`/console/wages?${query({ ...aMonth, 'wage[amount]': 'much' })}`)
      .expect(422);
    expect(notMoney.text).toContain('id="f-wage-amount-error"');
    expect(notMoney.text).toContain('value="much"');
    const noDays = await c
      .get(`/console/wages?${query({ ...aMonth, 'periods[0][daysWorked]': '' })}`)
      .expect(400);
    expect(noDays.text).toContain('id="f-periods-0-daysWorked-error"');
  });

  it('goes to the labour claim form of the chosen victim with the heads filled in', async () => {
    const res = await c
      .get(
        `/console/wages/file?${query({ victimId, jurisdiction: 'TH', currency: 'THB', head0: 'unpaid_wages', amount0: '8123.45' })}`,
      )
      .expect(303);
    expect(res.headers.location).toBe(
      `/console/victims/${victimId}/claims/new?route=labour&jurisdiction=TH&currency=THB&head0=unpaid_wages&amount0=8123.45`,
    );
    const form = await c.get(res.headers.location as string).expect(200);
    expect(form.text).toContain('value="8123.45"');
    expect(form.text).toMatch(/<option value="unpaid_wages" selected>/);
    await c.get('/console/wages/file?victimId=nope').expect(404);
  });
});
