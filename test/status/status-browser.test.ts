import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { claimsFor, issueCode, newVictim, world } from './support';

/**
 * A person's view: Debian's Chromium, headless, opens the page, switches to Thai, types the
 * reference and code with the keyboard and reads the claims. Screenshots are kept under
 * artifacts/screenshots/ for a human to look at.
 */
const SHOTS = path.resolve(__dirname, '../../artifacts/screenshots');

let t: TestApp;
let server: Server;
let base: string;
let browser: Browser;
let victim: { reference: string; accessCode: string };

jest.setTimeout(90_000);

beforeAll(async () => {
  t = await createTestApp();
  const w = await world(t);
  const v = await newVictim(t, w.worker, 'en');
  await claimsFor(t, w.worker, v.id);
  victim = { reference: v.reference, accessCode: (await issueCode(t, w.worker, v.id)).accessCode };
  server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await t.close();
});

async function noHorizontalScroll(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return { scrollWidth: root.scrollWidth as number, clientWidth: root.clientWidth as number };
  });
}

describe('the status page in a browser', () => {
  it('switches to Thai, takes the reference and code from the keyboard and shows the claims', async () => {
    const context = await browser.newContext({
      viewport: { width: 320, height: 640 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused/i.test(m.text())) violations.push(m.text());
    });
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) external.push(r.url());
    });

    await page.goto(`${base}/status`);
    expect(await page.title()).toBe('Case status');
    await page.getByRole('link', { name: 'ไทย' }).click();
    await page.waitForURL(`${base}/status?language=th`);
    expect(await page.getAttribute('html', 'lang')).toBe('th');
    expect(await page.title()).toBe('สถานะเรื่อง');
    const form = await noHorizontalScroll(page);
    expect(form.scrollWidth).toBeLessThanOrEqual(form.clientWidth);
    await page.screenshot({ path: path.join(SHOTS, 'status-th-form-320.png'), fullPage: true });

    // keyboard only: focus the labelled field, type, Tab to the next one, Enter submits
    await page.getByLabel('หมายเลขอ้างอิง').focus();
    await page.keyboard.type(victim.reference.toLowerCase());
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('accessCode');
    await page.keyboard.type(victim.accessCode);
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await page.getByRole('heading', { name: 'คำร้องของคุณ' }).waitFor();

    expect(await page.getAttribute('html', 'lang')).toBe('th');
    const articles = page.locator('article.claim');
    expect(await articles.count()).toBe(2);
    expect(await articles.nth(0).innerText()).toContain('ศาลตัดสินให้คุณได้รับค่าสินไหมทดแทน');
    expect(await articles.nth(0).innerText()).toContain('50,000.00 THB');
    expect(await articles.nth(1).innerText()).toContain('ยื่นคำร้องของคุณแล้ว');

    const narrow = await noHorizontalScroll(page);
    expect(narrow.scrollWidth).toBeLessThanOrEqual(narrow.clientWidth);
    await page.screenshot({ path: path.join(SHOTS, 'status-th-320.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(SHOTS, 'status-th-1280.png'), fullPage: true });
    expect(fs.statSync(path.join(SHOTS, 'status-th-320.png')).size).toBeGreaterThan(1000);
    expect(fs.statSync(path.join(SHOTS, 'status-th-1280.png')).size).toBeGreaterThan(1000);

    expect(violations).toEqual([]);
    expect(external).toEqual([]);
    await context.close();
  });

  it('fits 320 px in Burmese and Khmer too, with the friendly message for a wrong code', async () => {
    const context = await browser.newContext({
      viewport: { width: 320, height: 640 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    for (const language of ['my', 'km'] as const) {
      await page.goto(`${base}/status?language=${language}`);
      await page.locator('#reference').fill(victim.reference);
      await page.locator('#accessCode').fill('ABCD-EFGH-JKMN-PQRS-TV');
      await Promise.all([page.waitForLoadState('load'), page.locator('button[type=submit]').click()]);
      await page.getByRole('alert').waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe(language);
      const size = await noHorizontalScroll(page);
      expect([language, size.scrollWidth <= size.clientWidth]).toEqual([language, true]);
      await page.screenshot({ path: path.join(SHOTS, `status-${language}-error-320.png`), fullPage: true });
    }
    await context.close();
  });
});
