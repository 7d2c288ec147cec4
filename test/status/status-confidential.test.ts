import crypto from 'node:crypto';
import request from 'supertest';
import { LANGUAGES } from '../../src/lib/i18n';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  claimsFor,
  FORBIDDEN_WORDS,
  forgetFailures,
  issueCode,
  newVictim,
  post,
  SECRET,
  world,
  type World,
} from './support';

let t: TestApp;
let w: World;
let victim: { id: string; reference: string; accessCode: string; cardHtml: string };

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  const v = await newVictim(t, w.worker, 'th');
  await claimsFor(t, w.worker, v.id);
  victim = { ...v, ...(await issueCode(t, w.worker, v.id)) };
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => forgetFailures(t));

const FORBIDDEN = [...Object.values(SECRET), '17/03/1994', '1994', '+66', '81 234', ...FORBIDDEN_WORDS];

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return FORBIDDEN.filter((s) => lower.includes(s.toLowerCase()));
}

const form = (fields: Record<string, string>) => request(t.app).post('/status').type('form').send(fields);

describe('nothing identifying leaves through the status answers', () => {
  it('in the API, the page and the card, in every language', async () => {
    let checked = 0;
    for (const language of LANGUAGES) {
      const api = await post(t, '/v1/status', null, {
        reference: victim.reference,
        accessCode: victim.accessCode,
        language,
      }).expect(200);
      expect(api.body.language).toBe(language);
      expect(api.body.claims).toHaveLength(2);
      for (const c of api.body.claims)
        expect(Object.keys(c).sort()).toEqual(
          [
            'awarded',
            'currency',
            'heldInTrust',
            'nextHearingOn',
            'nextStep',
            'paid',
            'paymentState',
            'paymentText',
            'route',
            'status',
            'statusText',
            'updatedOn',
          ].sort(),
        );
      expect(Object.keys(api.body).sort()).toEqual(['claims', 'language', 'reference', 'summary']);
      expect(Object.keys(api.body.summary).sort()).toEqual([
        'awarded',
        'heldInTrust',
        'nextHearingOn',
        'stillOwed',
      ]);

      const page = await form({
        reference: victim.reference,
        accessCode: victim.accessCode,
        language,
      }).expect(200);
      expect(page.text).toContain(`<html lang="${language}"`);
      const empty = await request(t.app).get(`/status?language=${language}`).expect(200);
      const wrong = await form({ reference: victim.reference, accessCode: 'ABCD-EFGH', language });

      // a card printed for a victim whose language this is
      const other = await newVictim(t, w.worker, language);
      const card = (await issueCode(t, w.worker, other.id)).cardHtml;
      expect(card).toContain(`<html lang="${language}"`);

      for (const [what, text] of [
        ['api', JSON.stringify(api.body)],
        ['page', page.text],
        ['form', empty.text],
        ['error page', wrong.text],
        ['card', card],
      ] as const) {
        expect([language, what, leaks(text)]).toEqual([language, what, []]);
        checked++;
      }
    }
    expect(checked).toBe(LANGUAGES.length * 5);
  });

  it('the identifying values really are in the victim and claim records (the test can fail)', async () => {
    const victimRes = await request(t.app)
      .get(`/v1/victims/${victim.id}`)
      .set('Authorization', w.worker.authHeader)
      .expect(200);
    expect(leaks(JSON.stringify(victimRes.body))).toEqual(
      expect.arrayContaining([SECRET.fullName, SECRET.dateOfBirth, SECRET.phone, SECRET.email]),
    );
    const claims = await request(t.app)
      .get(`/v1/claims?victimId=${victim.id}`)
      .set('Authorization', w.worker.authHeader)
      .expect(200);
    expect(leaks(JSON.stringify(claims.body))).toEqual(
      expect.arrayContaining([SECRET.respondent, SECRET.caseNumber, SECRET.forum]),
    );
  });
});

describe('the page', () => {
  const pages = async () => {
    const out: Array<[string, request.Response]> = [];
    for (const language of LANGUAGES) {
      out.push([`${language} form`, await request(t.app).get(`/status?language=${language}`)]);
      out.push([
        `${language} claims`,
        await form({ reference: victim.reference, accessCode: victim.accessCode, language }),
      ]);
    }
    return out;
  };

  it('is sent with a strict CSP, no-store and no-referrer', async () => {
    for (const [what, res] of await pages()) {
      expect([what, res.status]).toEqual([what, 200]);
      const csp = String(res.headers['content-security-policy']);
      const directives = Object.fromEntries(
        csp.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')];
        }),
      );
      expect(directives['default-src']).toBe("'none'");
      expect(directives['form-action']).toBe("'self'");
      expect(directives['frame-ancestors']).toBe("'none'");
      expect(directives['base-uri']).toBe("'none'");
      expect(directives['script-src']).toBeUndefined(); // falls back to 'none'
      expect(csp).not.toContain('unsafe-inline');
      // the one inline style is allowed by its hash, and by nothing else
      const style = /<style>([^<]*)<\/style>/.exec(res.text)![1]!;
      const hash = crypto.createHash('sha256').update(style).digest('base64');
      expect(directives['style-src']).toBe(`'sha256-${hash}'`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('is small, has no script or external resource, and a neutral title', async () => {
    for (const [what, res] of await pages()) {
      const bytes = Buffer.byteLength(res.text);
      expect([what, bytes < 30 * 1024]).toEqual([what, true]);
      expect(res.text).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|javascript:|\son[a-z]+=/i);
      expect(res.text).not.toMatch(/https?:\/\//);
      for (const href of res.text.match(/href="[^"]*"/g) ?? [])
        expect(href).toMatch(/^href="\/status\?language=/);
      expect(res.text).toMatch(/<form method="post" action="\/status">|<section/);
    }
    const en = await request(t.app).get('/status?language=en');
    expect(/<title>([^<]*)<\/title>/.exec(en.text)![1]).toBe('Case status');
  });

  it('labels every field and keeps the language through the form', async () => {
    for (const language of LANGUAGES) {
      const res = await request(t.app).get(`/status?language=${language}`);
      const inputs = res.text.match(/<input [^>]*>/g)!;
      const visible = inputs.filter((i) => !i.includes('type="hidden"'));
      expect(visible.map((i) => /name="(\w+)"/.exec(i)![1])).toEqual(['reference', 'accessCode']);
      for (const input of visible) {
        const id = /id="([^"]+)"/.exec(input)![1]!;
        expect(res.text).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
        expect(input).toContain(`aria-describedby="${id}-hint"`);
        expect(res.text).toContain(`id="${id}-hint"`);
      }
      expect(res.text).toContain(`<input type="hidden" name="language" value="${language}">`);
      expect(res.text).toMatch(/<button type="submit">[^<]+<\/button>/);
    }
  });

  it('refuses an oversized form post', async () => {
    const res = await form({ reference: 'V-'.padEnd(3000, 'X'), accessCode: 'x' });
    expect(res.status).toBe(413);
  });
});
