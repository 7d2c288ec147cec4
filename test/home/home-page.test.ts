import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { LANGUAGES, missingTranslations } from '../../src/lib/i18n';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The landing page at `/`: server-rendered, strict CSP, in seven languages, fits 320 px. */
let t: TestApp;

jest.setTimeout(90_000);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('GET /', () => {
  it('links the status page and the API docs, under a CSP that allows no script', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^<!doctype html><html lang="en" dir="ltr">/);
    expect(res.text).toContain('<a href="/status?language=en">Check your case status</a>');
    expect(res.text).toContain('<a href="/docs">API documentation</a>');
    expect(res.text).not.toMatch(/<script|traffick/i);
  });

  it('speaks the browser language, or the one chosen, in each of the seven', async () => {
    const thai = await request(t.app).get('/').set('Accept-Language', 'th-TH,th;q=0.9').expect(200);
    expect(thai.text).toContain('<html lang="th"');
    expect(thai.text).toContain('ตรวจสอบสถานะเรื่องของคุณ');
    for (const language of LANGUAGES) {
      const res = await request(t.app).get(`/?language=${language}`).expect(200);
      expect(res.text).toContain(`<html lang="${language}"`);
      expect(res.text).toContain(`href="/status?language=${language}"`);
    }
    expect((await request(t.app).get('/?language=xx').expect(200)).text).toContain('<html lang="en"');
    expect(missingTranslations().filter((m) => m.namespace === 'home')).toEqual([]);
  });

  it('fits a 320 px screen without horizontal scrolling or a CSP violation', async () => {
    const server: Server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
      const context = await browser.newContext({
        viewport: { width: 320, height: 640 },
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content.Security.Policy|Refused/i.test(m.text())) violations.push(m.text());
      });
      for (const language of ['my', 'km', 'en']) {
        await page.goto(`${base}/?language=${language}`);
        const size = await page.evaluate(() => {
          const root = (globalThis as any).document.documentElement;
          return { scrollWidth: root.scrollWidth as number, clientWidth: root.clientWidth as number };
        });
        expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
      }
      await page.getByRole('link', { name: 'Check your case status' }).click();
      await page.waitForURL(`${base}/status?language=en`);
      expect(violations).toEqual([]);
    } finally {
      await browser?.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
