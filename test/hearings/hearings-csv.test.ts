import request from 'supertest';
import { parseCsv } from '../helpers/csv';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { addDaysTo, claimOf, office, schedule, today, type Office } from './support';

jest.setTimeout(120_000);

let t: TestApp;
let mine: Office;
let other: Office;

beforeAll(async () => {
  t = await createTestApp();
  mine = await office(t);
  other = await office(t);
});
afterAll(async () => {
  await t.close();
});

const calendar = (o: Office, query: string) =>
  request(t.app)
    .get(`/v1/hearings?from=${today}&to=${addDaysTo(today, 60)}${query}`)
    .set('Authorization', o.worker.authHeader);

describe('the court calendar as CSV', () => {
  it('holds exactly the JSON calendar’s hearings, neutralises formulas, and nothing of another office', async () => {
    const claim = await claimOf(t, mine);
    const plain = await schedule(t, mine, claim.id, {
      date: addDaysTo(today, 10),
      forum: 'Central Labour Court',
    });
    const formula = await schedule(t, mine, claim.id, {
      date: addDaysTo(today, 12),
      forum: '=HYPERLINK("x")',
    });
    const theirs = await schedule(t, other, (await claimOf(t, other)).id, { date: addDaysTo(today, 11) });

    const json = await calendar(mine, '&limit=1').expect(200);
    const csv = await calendar(mine, '&format=csv&limit=1').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const { header, rows } = parseCsv(csv.text);
    expect(header).toEqual(expect.arrayContaining(['id', 'claimReference', 'date', 'forum', 'status']));
    // every page of the filtered list, not just the first one the JSON answered
    expect(json.body.items).toHaveLength(1);
    expect(rows.map((r) => r.id)).toEqual([plain.id, formula.id]);
    expect(rows.find((r) => r.id === formula.id)!.forum).toBe(`'=HYPERLINK("x")`);
    expect(csv.text).not.toContain(theirs.id);

    const theirCsv = parseCsv((await calendar(other, '&format=csv').expect(200)).text);
    expect(theirCsv.rows.map((r) => r.id)).toEqual([theirs.id]);
  });
});
