import { aUser } from '../helpers/factories';
import {
  checkPage,
  openPage,
  signIn,
  startConsoleBrowser,
  unreachableByKeyboard,
  type ConsoleBrowser,
} from '../helpers/console-browser';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The console's frame in a browser: sign in by keyboard without JavaScript, switch language, sign out. */
let t: TestApp;
let cb: ConsoleBrowser;

jest.setTimeout(180_000);

beforeAll(async () => {
  t = await createTestApp();
  cb = await startConsoleBrowser(t);
});
afterAll(async () => {
  await cb?.close();
  await t.close();
});

describe.each([320, 1280] as const)('the console frame at %i px without JavaScript', (width) => {
  it('signs in by keyboard, passes axe, fits the screen, switches language and signs out', async () => {
    const user = await aUser(t, { role: 'admin' });
    const { context, page, trail } = await openPage(cb, { width, javaScript: false });
    const problems: string[] = [];
    await page.goto(`${cb.base}/console/sign-in`);
    problems.push(...(await checkPage(cb, page, 'sign-in')));
    expect(await unreachableByKeyboard(page)).toEqual([]);

    await signIn(page, cb.base, user);
    await page.goto(`${cb.base}/console/no-such-page`);
    problems.push(...(await checkPage(cb, page, 'not-found')));
    await page.getByRole('button', { name: 'ไทย' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    expect(await page.getByRole('status').textContent()).toContain('You have signed out.');
    expect(problems).toEqual([]);
    expect(trail).toEqual({ external: [], cspViolations: [] });
    await context.close();
  });
});

describe('the browser checks themselves', () => {
  it('report an unlabelled field, low contrast and a page wider than the screen', async () => {
    const { context, page } = await openPage(cb, { width: 320, javaScript: false });
    await page.goto(`${cb.base}/console/sign-in`);
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>x</title></head><body><main>' +
        '<form><input type="text" name="q"></form>' +
        '<p><img src="/console/static/console.css" width="600" height="10"></p></main></body></html>',
    );
    const problems = await checkPage(cb, page, 'probe-broken');
    expect(problems.join('\n')).toMatch(/label \((critical|serious)\)/);
    expect(problems.join('\n')).toMatch(/scrolls sideways/);
    await context.close();
  });
});
