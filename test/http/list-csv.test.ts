import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import { parseCsv } from '../helpers/csv';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, post, receipt, requested, VICTIM_NAME, type World } from '../disbursements/support';

/**
 * Every list downloads as CSV under the same need-to-know as its JSON: the CSV holds exactly the
 * rows (and no field) the JSON list shows the same caller, across all pages.
 */
let t: TestApp;
let a: World;
let b: World;
const civil: Record<string, string> = {};

async function jsonIds(path: string, user: TestUser): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: any = await request(t.app)
      .get(`${path}${sep}limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      .set('Authorization', user.authHeader)
      .expect(200);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

async function csv(path: string, user: TestUser) {
  const res = await request(t.app)
    .get(path)
    .set('Authorization', user.authHeader)
    .set('Accept', 'text/csv')
    .expect(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  return { ...parseCsv(res.text), text: res.text };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await makeWorld(t);
  b = await makeWorld(t);
  for (const w of [a, b]) {
    const res = await post(t, '/v1/claims', w.worker, {
      victimId: w.victimId,
      route: 'civil',
      jurisdiction: 'TH',
      currency: 'THB',
      respondent: '@SUM(1+1) Recruiting Co., "Ltd"',
      caseNumber: '-42/2026',
      heads: [{ head: 'unpaid_wages', amount: '1200.50' }],
    }).expect(201);
    civil[w === a ? 'a' : 'b'] = res.body.id;
    await receipt(t, w, { amount: '5000.00', pot: 'medical' });
    await requested(t, w, { rationale: '=2+3 hospital invoice, "urgent"' });
    await requested(t, w, { amount: '20.00' });
  }
});
afterAll(async () => {
  await t.close();
});

describe('claims as CSV', () => {
  it("holds the same claims as the JSON list for each role, and no other office's", async () => {
    for (const user of [a.worker, a.maker, a.auditor, b.worker]) {
      const { rows } = await csv('/v1/claims', user);
      expect(rows.map((r) => r.id)).toEqual(await jsonIds('/v1/claims', user));
    }
    const mine = (await csv('/v1/claims', a.worker)).rows.map((r) => r.id);
    expect(mine.sort()).toEqual([a.claimId, civil.a!].sort());
    expect(mine).not.toContain(b.claimId);
    // the fund's administrators: only State-fund claims on their own fund
    expect((await csv('/v1/claims', a.maker)).rows.map((r) => r.id)).toEqual([a.claimId]);
  });

  it('keeps the current filter, neutralises formulas and shows a field only to whom the JSON shows it', async () => {
    const { rows } = await csv(`/v1/claims?route=civil&format=csv`, a.worker);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: civil.a,
      respondent: `'@SUM(1+1) Recruiting Co., "Ltd"`,
      caseNumber: `'-42/2026`,
      claimed: '1200.50',
      currency: 'THB',
    });
    const audited = (await csv('/v1/claims?route=civil', a.auditor)).rows.find((r) => r.id === civil.a)!;
    const json = (
      await request(t.app).get(`/v1/claims/${civil.a}`).set('Authorization', a.auditor.authHeader).expect(200)
    ).body;
    expect(audited.caseNumber).toBe(json.caseNumber === undefined ? '' : `'${json.caseNumber}`);
  });
});

describe('disbursements as CSV', () => {
  it("holds the agency's own disbursements only, as the JSON list does, without payee details", async () => {
    for (const user of [a.maker, b.maker, a.auditor]) {
      const { rows } = await csv('/v1/disbursements', user);
      expect(rows.map((r) => r.id)).toEqual(await jsonIds('/v1/disbursements', user));
    }
    const { rows, text } = await csv('/v1/disbursements?format=csv', a.maker);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.fundId === a.fundId)).toBe(true);
    expect(rows.map((r) => r.rationale)).toContain(`'=2+3 hospital invoice, "urgent"`);
    expect(text).not.toContain(VICTIM_NAME);
    expect(text).not.toContain('123-4-56789-0');
  });

  it('keeps the filter and refuses an unknown format', async () => {
    const { rows } = await csv(`/v1/disbursements?fundId=${a.fundId}&status=requested`, a.auditor);
    expect(rows).toHaveLength(2);
    const res = await request(t.app)
      .get('/v1/disbursements?format=pdf')
      .set('Authorization', a.maker.authHeader)
      .expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
  });
});

describe('victims in reach as CSV', () => {
  it("holds the office's own victims only, as the JSON list does, names only for legal aid", async () => {
    for (const user of [a.worker, a.maker]) {
      const { rows } = await csv('/v1/victims', user);
      expect(rows.map((r) => r.id)).toEqual(await jsonIds('/v1/victims', user));
      expect(rows.map((r) => r.id)).not.toContain(b.victimId);
    }
    const { rows } = await csv('/v1/victims?format=csv', a.worker);
    expect(rows.find((r) => r.id === a.victimId)?.fullName).toBe(VICTIM_NAME);
    const { text } = await csv('/v1/victims', a.maker);
    expect(text).not.toContain(VICTIM_NAME);
  });
});
