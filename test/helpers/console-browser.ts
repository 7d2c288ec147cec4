import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from './test-app';

/**
 * Console journeys in Debian's Chromium: one server and browser per test file, pages at 320 px
 * and 1280 px, with or without JavaScript. Every page checked with `checkPage` is screenshot
 * (artifacts/screenshots/console/), scanned by axe-core (no serious or critical violation), and
 * measured for sideways scrolling; every request that leaves the site and every CSP report is
 * collected on the page's `trail` and must stay empty.
 */
export const SHOTS = path.resolve(__dirname, '../../artifacts/screenshots/console');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsoleBrowser {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startConsoleBrowser(t: TestApp): Promise<ConsoleBrowser> {
  const server: Server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
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
  return {
    base,
    browser,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface Trail {
  /** Requests to anywhere but the console's own origin. */
  external: string[];
  /** Console messages about the Content-Security-Policy. */
  cspViolations: string[];
}

export async function openPage(
  cb: ConsoleBrowser,
  options: { width: 320 | 1280; javaScript: boolean },
): Promise<{ context: BrowserContext; page: Page; trail: Trail }> {
  const context = await cb.browser.newContext({
    viewport: { width: options.width, height: options.width === 320 ? 640 : 900 },
    javaScriptEnabled: options.javaScript,
  });
  const page = await context.newPage();
  const trail: Trail = { external: [], cspViolations: [] };
  page.on('request', (r) => {
    if (!r.url().startsWith(cb.base) && !r.url().startsWith('data:')) trail.external.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) trail.cspViolations.push(m.text());
  });
  return { context, page, trail };
}

/** Signs in through the form, with the keyboard. */
export async function signIn(
  page: Page,
  base: string,
  user: { email: string; password: string },
): Promise<void> {
  await page.goto(`${base}/console/sign-in`);
  await page.locator('#f-email').focus();
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * axe-core's serious and critical violations on the page as it is now ([] when clean). The
 * script is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** How far the page scrolls sideways (0 when it fits the viewport). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/** Screenshot, axe and the 320 px fit for one page of a journey; returns the problems found. */
export async function checkPage(page: Page, label: string): Promise<string[]> {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SHOTS, `${label}-${width}.png`), fullPage: true });
  const problems = (await axeViolations(page)).map((v) => `${label}: ${v}`);
  const overflow = await sidewaysScroll(page);
  if (overflow > 0) problems.push(`${label}: scrolls sideways by ${overflow}px at ${width}px`);
  return problems;
}

/**
 * Presses Tab until focus comes back round, and returns the interactive elements it never
 * reached ([] when the keyboard reaches every link, button and field).
 */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  const total = await page
    .locator('a[href], button, input:not([type=hidden]), select, textarea, summary')
    .count();
  const seen = new Set<string>();
  await page.locator('body').focus();
  for (let i = 0; i < total + 5; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const el = (globalThis as unknown as { document: { activeElement: { outerHTML: string } | null } })
        .document.activeElement;
      return el ? el.outerHTML.slice(0, 200) : '';
    });
    seen.add(id);
  }
  const all = await page
    .locator('a[href], button, input:not([type=hidden]), select, textarea, summary')
    .evaluateAll((els) => els.map((el) => (el as unknown as { outerHTML: string }).outerHTML.slice(0, 200)));
  return all.filter((html) => !seen.has(html));
}
