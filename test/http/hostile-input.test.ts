import { sql } from 'kysely';
import request from 'supertest';
import { aUser, victimBody } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { newVictim, world, type World } from '../status/support';

/**
 * Hostile input as an attacker sends it: raw JSON text, because JSON.stringify cannot produce a
 * lone surrogate escape and drops a `__proto__` key before the request ever leaves the test.
 */
let t: TestApp;
let w: World;
let victimId: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  victimId = (await newVictim(t, w.worker)).id;
}, 60000);
afterAll(async () => {
  await t.close();
});

const rawJson = (path: string, auth: string | null, text: string, method: 'post' | 'patch' = 'post') => {
  const r = request(t.app)[method](path).set('content-type', 'application/json');
  if (auth) r.set('Authorization', auth);
  return r.send(text);
};

/** A valid victim body as JSON text with one value replaced by raw JSON text. */
const victimWith = (field: string, rawValue: string) => {
  const body = JSON.stringify(victimBody({ [field]: '__X__' }));
  return body.replace('"__X__"', rawValue);
};

const problem = (res: request.Response) => {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.body as { status: number; type: string; errors?: Array<{ path: string; message: string }> };
};

/** Row counts of every table but the audit trail and the failure counters (refusals add to those). */
async function snapshot(): Promise<Record<string, number>> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not in ('audit_events', 'status_guard', 'login_attempts', 'kysely_migration',
        'kysely_migration_lock')`.execute(t.ctx.db);
  const out: Record<string, number> = {};
  for (const { table_name } of rows) {
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)}`.execute(t.ctx.db);
    out[table_name] = Number(r.rows[0]!.n);
  }
  return out;
}

describe('one text rule for every free-text field', () => {
  it.each([
    ['a NUL byte', '"Somchai\\u0000Kaewkla"'],
    ['a bell character', '"Somchai\\u0007"'],
    ['a lone high surrogate', '"Somchai\\ud800Kaewkla"'],
    ['a lone low surrogate', '"\\udc00Somchai"'],
  ])('refuses %s in a name with 400 naming the field, storing nothing', async (_what, raw) => {
    const before = await snapshot();
    const res = await rawJson('/v1/victims', w.worker.authHeader, victimWith('fullName', raw)).expect(400);
    expect(problem(res).errors).toEqual([{ path: 'fullName', message: expect.any(String) }]);
    expect(await snapshot()).toEqual(before);
  });

  it('names a nested field by its path', async () => {
    const body = victimWith(
      'identityDocuments',
      '[{"type":"passport","number":"MA\\ud83d1234","issuingCountry":"MM"}]',
    );
    const res = await rawJson('/v1/victims', w.worker.authHeader, body).expect(400);
    expect(problem(res).errors).toEqual([
      { path: 'identityDocuments[0].number', message: expect.any(String) },
    ]);
  });

  it('still takes tabs, line breaks and real astral characters (a surrogate pair)', async () => {
    const res = await rawJson(
      '/v1/victims',
      w.worker.authHeader,
      victimWith('fullName', '"Som\\tchai\\r\\n\\ud83d\\ude00"'),
    );
    expect(res.status).toBe(201);
    expect(res.body.fullName).toBe('Som\tchai\r\n😀');
  });

  it('refuses a __proto__ or constructor key instead of passing it on', async () => {
    for (const key of ['__proto__', 'constructor']) {
      const before = await snapshot();
      const res = await rawJson(
        `/v1/victims/${victimId}`,
        w.worker.authHeader,
        `{"${key}":{"isChild":true},"preferredLanguage":"th"}`,
        'patch',
      ).expect(400);
      expect(problem(res).errors).toEqual([{ path: key, message: expect.any(String) }]);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('refuses control characters in a query string', async () => {
    const auditor = await aUser(t, { role: 'auditor', direct: true });
    const res = await request(t.app)
      .get('/v1/audit/events?action=victim.read%00')
      .set('Authorization', auditor.authHeader)
      .expect(400);
    expect(problem(res).errors).toEqual([{ path: 'action', message: expect.any(String) }]);
  });
});

describe('calendar dates within 1900-01-01 … 2999-12-31', () => {
  it.each(['0000-01-01', '1899-12-31', '3000-01-01'])('refuses %s with 400', async (date) => {
    const before = await snapshot();
    const res = await rawJson(
      '/v1/victims',
      w.worker.authHeader,
      victimWith('dateOfBirth', `"${date}"`),
    ).expect(400);
    expect(problem(res).errors).toEqual(
      expect.arrayContaining([{ path: 'dateOfBirth', message: expect.stringContaining('1900-01-01') }]),
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a moment in year 0000 in a query', async () => {
    const res = await request(t.app)
      .get('/v1/ledger/trial-balance?asOf=0000-01-01')
      .set('Authorization', w.fundAdmin.authHeader);
    expect(res.status).toBe(400);
    expect(problem(res).errors?.[0]?.path).toBe('asOf');
  });

  it('takes the first day of the range', async () => {
    await rawJson('/v1/victims', w.worker.authHeader, victimWith('dateOfBirth', '"1900-01-01"')).expect(201);
  });
});

describe('parser errors are problems, never 500', () => {
  it('answers a status form with too many fields with a 413 problem', async () => {
    const form = Array.from({ length: 50 }, (_, i) => `f${i}=1`).join('&');
    const res = await request(t.app).post('/status').type('form').send(form);
    expect(res.status).toBe(413);
    expect(problem(res).type).toBe('https://redress.example/problems/payload-too-large');
  });
});

describe('every route, raw hostile JSON', () => {
  const RAW_BODIES = [
    '{"name":"a\\u0000b","fullName":"a\\u0000b","note":"\\u0000"}',
    '{"name":"\\ud800","fullName":"\\udfff","reason":"x\\ud800"}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"paidOn":"0000-01-01","receivedOn":"0000-01-01","dateOfBirth":"0000-02-30","effectiveOn":"0000-01-01"}',
    '{"reference":"V-\\ud800\\u0000","accessCode":"\\u0000"}',
  ];

  // a lone surrogate cannot be percent-encoded (it is not UTF-8): NUL and year 0000 it is
  const HOSTILE_QUERY = '?action=a%00b&q=%00&from=0000-01-01&to=0000-01-01&asOf=0000-01-01';

  it('answers each with a deliberate 4xx problem and changes nothing', async () => {
    const routes = t.ctx.openapi.list();
    expect(routes.length).toBeGreaterThan(20);
    const before = await snapshot();
    const failures: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, victimId);
      for (const by of [w.worker, w.fundAdmin]) {
        for (const body of route.method === 'get' ? [undefined] : RAW_BODIES) {
          const call = request(t.app);
          const query = route.method === 'get' ? HOSTILE_QUERY : '';
          const res = await call[route.method](`${path}${query}`)
            .set('Authorization', by.authHeader)
            .set('Idempotency-Key', `k-${Math.random()}`)
            .set('content-type', 'application/json')
            .send(body);
          const isProblem = /application\/problem\+json/.test(String(res.headers['content-type']));
          const htmlPage = path === '/status';
          if (res.status >= 500 || res.status < 400 || (!isProblem && !htmlPage))
            failures.push(`${route.method} ${path} ${body} → ${res.status} ${res.text.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  }, 240000);
});
