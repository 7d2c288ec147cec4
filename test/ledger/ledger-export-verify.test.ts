import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import request from 'supertest';
import { journalAccountName } from '../../src/ledger/ledger-export';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

let t: TestApp;
let admin: TestUser;
let auditor: TestUser;
let n = 0;
const today = new Date().toISOString().slice(0, 10);
const post = (p: string, body: object) =>
  request(t.app)
    .post(p)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', `e-${++n}`)
    .send(body)
    .expect(201);

beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  const thb = (
    await request(t.app)
      .post('/v1/funds')
      .set('Authorization', admin.authHeader)
      .send({ name: 'A', currency: 'THB', currencies: ['JPY', 'KWD'] })
      .expect(201)
  ).body.id;
  const usd = (
    await request(t.app)
      .post('/v1/funds')
      .set('Authorization', admin.authHeader)
      .send({
        name: 'B',
        currency: 'USD',
        restrictions: [{ code: 'medical', name: 'M', purposes: ['medical'] }],
      })
      .expect(201)
  ).body.id;
  const r = (fund: string, amount: string, currency: string, extra: object = {}) =>
    post(`/v1/funds/${fund}/receipts`, { source: 'donation', amount, currency, receivedOn: today, ...extra });
  await r(thb, '1234.56', 'THB');
  await r(thb, '1500', 'JPY');
  await r(thb, '2.125', 'KWD');
  await r(usd, '99.99', 'USD', { pot: 'medical', donor: 'Clinic; "quoted"  name' });
  const fine = await r(usd, '10.00', 'USD', { source: 'fine' });
  await post(`/v1/funds/${thb}/pot-transfers`, {
    from: 'unrestricted',
    to: 'reserved',
    amount: '234.56',
    currency: 'THB',
    reason: 'hold\nfor review',
  });
  await post(`/v1/ledger/entries/${fine.body.entryId}/reverse`, { reason: 'entered twice' });
  const accounts = (
    await request(t.app)
      .get(`/v1/ledger/accounts?fundId=${usd}&limit=500`)
      .set('Authorization', admin.authHeader)
      .expect(200)
  ).body.items;
  const id = (c: string) => accounts.find((a: any) => a.code === c).id;
  await post('/v1/ledger/entries', {
    description: 'Reclassify donation as recovery',
    postings: [
      { accountId: id('revenue:donation:USD'), side: 'debit', amount: '9.99' },
      { accountId: id('revenue:recovery:USD'), side: 'credit', amount: '9.99' },
    ],
  });
});
afterAll(async () => {
  await t.close();
});

describe('export for ledger-cli', () => {
  it('is read by `ledger` and balances to the same figures as the trial balance', async () => {
    const exported = await request(t.app)
      .get('/v1/ledger/export?format=ledger')
      .set('Authorization', auditor.authHeader)
      .expect(200);
    expect(exported.headers['content-type']).toMatch(/^text\/plain/);
    const file = path.join(os.tmpdir(), `redress-export-${process.pid}.dat`);
    fs.writeFileSync(file, exported.text);
    try {
      // Plain `ledger balance`: every transaction must balance per commodity or ledger exits non-zero;
      // the grand total of a double-entry journal is zero.
      const plain = execFileSync('ledger', ['-f', file, 'balance'], { encoding: 'utf8' });
      expect(plain.trim().split('\n').pop()!.trim()).toBe('0');
      const flat = execFileSync(
        'ledger',
        ['-f', file, 'balance', '--flat', '--no-total', '--balance-format', '%(account)\t%(display_total)\n'],
        {
          encoding: 'utf8',
        },
      );
      const fromLedger = new Map(
        flat
          .trim()
          .split('\n')
          .map((line) => line.split('\t') as [string, string]),
      );
      const tb = await request(t.app)
        .get('/v1/ledger/trial-balance')
        .set('Authorization', auditor.authHeader)
        .expect(200);
      const funds = await request(t.app)
        .get('/v1/funds?limit=500')
        .set('Authorization', auditor.authHeader)
        .expect(200);
      const fundName = new Map<string, string>(funds.body.items.map((f: any) => [f.id, f.name]));
      const expected = new Map<string, string>();
      for (const a of tb.body.accounts) {
        const signed =
          a.debit !== '0' && /[1-9]/.test(a.debit) ? a.debit : /[1-9]/.test(a.credit) ? `-${a.credit}` : null;
        if (signed) expected.set(journalAccountName(a, fundName.get(a.fundId)), `${signed} ${a.currency}`);
      }
      expect(fromLedger).toEqual(expected);
      // Spot checks computed by hand: 1234.56 − 234.56 in unrestricted; the KWD receipt keeps 3 decimals.
      expect([...fromLedger].find(([k]) => k.endsWith(':Pots:unrestricted:THB'))?.[1]).toBe('-1000.00 THB');
      expect([...fromLedger].find(([k]) => k.endsWith(':Bank:KWD'))?.[1]).toBe('2.125 KWD');
      expect([...fromLedger].find(([k]) => k.endsWith(':Bank:JPY'))?.[1]).toBe('1500 JPY');
      expect([...fromLedger].find(([k]) => k.endsWith(':Receipts:recovery:USD'))?.[1]).toBe('-9.99 USD');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('tamper evidence', () => {
  it('verifies an intact chain covering every entry', async () => {
    const res = await request(t.app)
      .get('/v1/ledger/verify')
      .set('Authorization', auditor.authHeader)
      .expect(200);
    const { rows } = await sql<{ n: string }>`select count(*) as n from ledger_entries`.execute(t.ctx.db);
    const accounts = await sql<{ n: string }>`select count(*) as n from ledger_accounts`.execute(t.ctx.db);
    expect(res.body).toEqual({
      ok: true,
      entriesChecked: Number(rows[0]!.n),
      firstBrokenEntry: null,
      unsealedEntries: 0,
      chainLegacyEnds: null,
      balancesChecked: Number(accounts.rows[0]!.n),
      firstWrongBalance: null,
    });
    expect(Number(rows[0]!.n)).toBe(8);
  });

  it('names the entry whose posting was changed in SQL with the triggers disabled', async () => {
    const { rows } = await sql<{
      entry_id: string;
    }>`select entry_id from ledger_postings order by id limit 1 offset 9`.execute(t.ctx.db);
    const victim = rows[0]!.entry_id;
    await t.ctx.db.connection().execute(async (c) => {
      await sql`alter table ledger_postings disable trigger user`.execute(c);
      await sql`update ledger_postings set amount = amount + 1 where id = (select min(id) from ledger_postings where entry_id = ${victim})`.execute(
        c,
      );
      await sql`alter table ledger_postings enable trigger user`.execute(c);
    });
    const res = await request(t.app)
      .get('/v1/ledger/verify')
      .set('Authorization', auditor.authHeader)
      .expect(200);
    expect(res.body).toMatchObject({ ok: false, firstBrokenEntry: victim });
    expect(res.body.entriesChecked).toBe(
      Number(victim) -
        Number(
          (await sql<{ m: string }>`select min(id) as m from ledger_entries`.execute(t.ctx.db)).rows[0]!.m,
        ) +
        1,
    );
  });
});
