import request from 'supertest';
import { LANGUAGES } from '../../src/lib/i18n';
import { purgeStaleGuards } from '../../src/status/status.repository';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { claimsFor, forgetFailures, issueCode, newVictim, post, world, type World } from './support';

let t: TestApp;
let w: World;
let victim: { id: string; reference: string; accessCode: string };

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  const v = await newVictim(t, w.worker, 'th');
  await claimsFor(t, w.worker, v.id);
  victim = { ...v, accessCode: (await issueCode(t, w.worker, v.id)).accessCode };
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => forgetFailures(t));

const check = (body: object) => post(t, '/v1/status', null, body);
const WRONG = 'ABCD-EFGH-JKMN-PQRS-TV';

describe('checking status with reference and access code', () => {
  it('lists each claim in plain words in the victim’s preferred language', async () => {
    const res = await check({ reference: victim.reference, accessCode: victim.accessCode }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      reference: victim.reference,
      language: 'th',
      claims: [
        {
          route: 'civil',
          status: 'judgment',
          statusText: 'ศาลตัดสินให้คุณได้รับค่าสินไหมทดแทน',
          nextStep: expect.stringContaining('รอการจ่ายเงิน'),
          updatedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          awarded: '50000.00',
          paid: '20000.00',
          currency: 'THB',
          heldInTrust: '0.00',
          paymentState: 'partly_paid',
          paymentText: 'จ่ายเงินตามที่ตัดสินให้แล้วบางส่วน',
          nextHearingOn: null,
        },
        {
          route: 'labour',
          status: 'filed',
          statusText: 'ยื่นคำร้องของคุณแล้ว',
          nextStep: expect.any(String),
          updatedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          awarded: '0.00',
          paid: '0.00',
          currency: 'THB',
          heldInTrust: '0.00',
          paymentState: 'no_award',
          paymentText: '',
          nextHearingOn: null,
        },
      ],
      // 50,000 awarded for lost opportunities, 20,000 of it received
      summary: {
        stillOwed: { THB: '30000.00' },
        heldInTrust: { THB: '0.00' },
        awarded: { THB: '50000.00' },
        nextHearingOn: null,
      },
    });
  });

  it('answers in the language asked for, and accepts the code typed loosely', async () => {
    const loose = victim.accessCode.toLowerCase().replace(/-/g, ' ');
    const res = await check({
      reference: victim.reference.toLowerCase(),
      accessCode: loose,
      language: 'vi',
    }).expect(200);
    expect(res.body.language).toBe('vi');
    expect(res.body.claims[0].statusText).toBe('Tòa đã quyết định bạn được bồi thường.');
    const en = await check({ reference: victim.reference, accessCode: victim.accessCode, language: 'en-GB' });
    expect(en.body.claims[1].statusText).toBe('Your claim has been filed.');
  });

  it('refuses malformed input with 400 problem+json', async () => {
    for (const body of [
      { reference: victim.reference },
      { accessCode: victim.accessCode },
      { reference: victim.reference, accessCode: victim.accessCode, name: 'x' },
      { reference: 'V-'.padEnd(60, 'X'), accessCode: victim.accessCode },
      { reference: 12, accessCode: victim.accessCode },
    ]) {
      const res = await check(body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});

describe('guessing', () => {
  it('gives the same 404, body and headers, for an unknown reference and for a wrong code', async () => {
    const wrongCode = await check({ reference: victim.reference, accessCode: WRONG }).expect(404);
    const unknown = await check({ reference: 'V-22222222', accessCode: WRONG }).expect(404);
    const noCodeYet = await newVictim(t, w.worker);
    const uncoded = await check({ reference: noCodeYet.reference, accessCode: WRONG }).expect(404);
    expect(wrongCode.body).toEqual(unknown.body);
    expect(uncoded.body).toEqual(unknown.body);
    const shape = (r: request.Response) => ({
      type: r.headers['content-type'],
      length: r.headers['content-length'],
      retry: r.headers['retry-after'],
    });
    expect(shape(wrongCode)).toEqual(shape(unknown));
    expect(shape(uncoded)).toEqual(shape(unknown));
  });

  it('locks a reference after 10 wrong codes (429 with Retry-After) while another victim’s check still works', async () => {
    const other = await newVictim(t, w.worker, 'id');
    const otherCode = (await issueCode(t, w.worker, other.id)).accessCode;
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 20; i++) {
      last = await check({ reference: victim.reference, accessCode: WRONG });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(10).fill(404), ...Array(10).fill(429)]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(last!.headers['content-type']).toMatch(/application\/problem\+json/);

    // even the right code waits out the lock: a lucky guess would be answered the same way
    await check({ reference: victim.reference, accessCode: victim.accessCode }).expect(429);
    const res = await check({ reference: other.reference, accessCode: otherCode }).expect(200);
    expect(res.body.language).toBe('id');

    // the lock passes with time
    await t.ctx.db
      .updateTable('status_guard')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('key', '=', `p:${victim.reference} 127.0.0.1`)
      .execute();
    await check({ reference: victim.reference, accessCode: victim.accessCode }).expect(200);
  });

  it('locks a client address after 30 failures spread over many references', async () => {
    for (let i = 0; i < 30; i++) {
      const ref = `V-${'23456789ABCDEFGHJKMNPQRSTVWXYZ'[i]!.repeat(8)}`;
      await check({ reference: ref, accessCode: WRONG }).expect(404);
    }
    const res = await check({ reference: victim.reference, accessCode: victim.accessCode }).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts concurrent guesses exactly: a burst cannot get more than the allowance', async () => {
    const burst = await Promise.all(
      Array.from({ length: 16 }, () => check({ reference: victim.reference, accessCode: WRONG })),
    );
    const counts = burst.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    expect(counts).toEqual({ 404: 10, 429: 6 });
  });
});

describe('housekeeping of the failure counts', () => {
  it('drops quiet rows of addresses and made-up references, never a real victim’s', async () => {
    for (const ref of [victim.reference, 'V-44444444'])
      await check({ reference: ref, accessCode: WRONG }).expect(404);
    const keys = async () =>
      (await t.ctx.db.selectFrom('status_guard').select('key').orderBy('key').execute()).map((r) => r.key);
    const all = await keys();
    expect(all).toEqual(
      [
        'a:127.0.0.1',
        'r:V-44444444',
        'p:V-44444444 127.0.0.1',
        `r:${victim.reference}`,
        `p:${victim.reference} 127.0.0.1`,
      ].sort(),
    );
    expect(await purgeStaleGuards(t.ctx.db, new Date(Date.now() - 60_000))).toBe(0); // all recent
    expect(await purgeStaleGuards(t.ctx.db, new Date(Date.now() + 60_000))).toBe(4);
    expect(await keys()).toEqual([`r:${victim.reference}`]);
  });
});

describe('the form page', () => {
  const form = (fields: Record<string, string>) => request(t.app).post('/status').type('form').send(fields);

  it('shows the claims in the chosen language, with the page headers', async () => {
    const res = await form({
      reference: victim.reference,
      accessCode: victim.accessCode,
      language: 'my',
    }).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<html lang="my"');
    expect(res.text).toContain('တရားရုံးက သင့်အား လျော်ကြေးပေးရန် ဆုံးဖြတ်ပြီးပါပြီ။');
    // Burmese digits, grouped, with the decimals kept from the amount
    expect(res.text).toContain('၅၀,၀၀၀.၀၀ THB');
    expect(res.text).toContain('၂၀,၀၀၀.၀၀ THB');
  });

  it('uses the victim’s language when none was chosen', async () => {
    const res = await form({ reference: victim.reference, accessCode: victim.accessCode }).expect(200);
    expect(res.text).toContain('<html lang="th"');
  });

  it('shows one friendly message for an unknown reference and a wrong code', async () => {
    const a = await form({ reference: victim.reference, accessCode: WRONG, language: 'fil' }).expect(404);
    const b = await form({ reference: 'V-33333333', accessCode: WRONG, language: 'fil' }).expect(404);
    expect(a.text).toContain('Hindi tugma ang reference at access code.');
    expect(a.text.replace(victim.reference, 'REF')).toBe(b.text.replace('V-33333333', 'REF'));
  });

  it('asks for both fields, and tells a locked-out visitor when to come back', async () => {
    const missing = await form({ reference: victim.reference, accessCode: '' }).expect(400);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    for (let i = 0; i < 10; i++) await form({ reference: victim.reference, accessCode: WRONG });
    const locked = await form({ reference: victim.reference, accessCode: WRONG, language: 'en' }).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.text).toContain('Too many tries. Please wait 15 minutes and try again.');
  });

  it('echoes what was typed only as escaped text', async () => {
    const res = await form({ reference: '<script>alert(1)</script>"x', accessCode: WRONG }).expect(404);
    expect(res.text).not.toContain('<script');
    expect(res.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;x"');
  });

  it('is documented in /openapi.json with the access-code endpoints', async () => {
    const doc = await request(t.app).get('/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/status', '/status', '/v1/victims/{id}/access-code']),
    );
    expect(Object.keys(doc.body.paths['/status']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.body.paths['/v1/victims/{id}/access-code']).sort()).toEqual(['get', 'post']);
  });

  it('serves every language with its lang attribute and a switch to all the others', async () => {
    for (const language of LANGUAGES) {
      const res = await request(t.app).get(`/status?language=${language}`).expect(200);
      expect(res.text).toContain(`<html lang="${language}"`);
      for (const other of LANGUAGES)
        expect(res.text).toContain(`href="/status?language=${other}" lang="${other}"`);
    }
    const browser = await request(t.app).get('/status').set('Accept-Language', 'km-KH,km;q=0.9,en;q=0.5');
    expect(browser.text).toContain('<html lang="km"');
    const unknown = await request(t.app).get('/status?language=xx&utm_source=x').expect(200);
    expect(unknown.text).toContain('<html lang="en"');
  });
});
