import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { addDays, todayUtc } from '../../src/lib/dates';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aFund, anOffice, aReceipt, aUser, type TestUser } from '../helpers/factories';

/** A period and fund export, read by the real ledger-cli and hledger in their strict modes. */
let t: TestApp;
let admin: TestUser;
let otherAdmin: TestUser;
let auditor: TestUser;
let fundA: string;
let fundB: string;
let n = 0;
const day = (d: number) => addDays(todayUtc(), d);

const receipt = (user: TestUser, fund: string, amount: string, receivedOn: string, currency = 'THB') =>
  aReceipt(t, user, fund, { source: 'donation', amount, currency, receivedOn });

beforeAll(async () => {
  t = await createTestApp();
  const agency = await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true });
  admin = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
  const otherAgency = await anOffice(t, 'fund_agency', { name: 'Other agency', direct: true });
  otherAdmin = await aUser(t, { role: 'fund_admin', office: otherAgency, direct: true });
  auditor = await aUser(t, { role: 'auditor', direct: true });
  fundA = await aFund(t, admin, { name: 'Victim Fund (Región Norte)', currencies: ['KWD'] });
  fundB = await aFund(t, otherAdmin, { name: 'Secret Fund B' });
  await receipt(admin, fundA, '1000.00', day(-40));
  await receipt(admin, fundA, '250.50', day(-10));
  await receipt(admin, fundA, '1.125', day(-10), 'KWD');
  await receipt(admin, fundA, '77.00', day(-1));
  await receipt(otherAdmin, fundB, '999.00', day(-10));
});
afterAll(async () => {
  await t.close();
});

function withFile<T>(text: string, fn: (file: string) => T): T {
  const file = path.join(os.tmpdir(), `redress-period-${process.pid}-${++n}.journal`);
  fs.writeFileSync(file, text);
  try {
    return fn(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const exportOf = async (query: string, user = admin) =>
  (await request(t.app).get(`/v1/ledger/export?${query}`).set('Authorization', user.authHeader).expect(200))
    .text;

describe('ledger export of a fund for a period', () => {
  it('is accepted by `ledger --strict --pedantic` and `hledger check --strict`', async () => {
    const journal = await exportOf(`fundId=${fundA}&from=${day(-20)}&to=${day(-2)}`);
    withFile(journal, (file) => {
      const ledger = spawnSync('ledger', ['-f', file, '--strict', 'bal'], { encoding: 'utf8' });
      expect(ledger.stderr).toBe(''); // --strict warns about any undeclared account or commodity
      expect(ledger.status).toBe(0);
      const pedantic = spawnSync('ledger', ['-f', file, '--pedantic', 'bal'], { encoding: 'utf8' });
      expect(pedantic.stderr).toBe('');
      expect(pedantic.status).toBe(0);
      const hledger = spawnSync('hledger', ['-f', file, 'check', '--strict'], { encoding: 'utf8' });
      expect(hledger.stderr).toBe('');
      expect(hledger.status).toBe(0);
    });
  });

  it('declares its commodities, names accounts after the fund and carries earlier entries as an opening', async () => {
    const journal = await exportOf(`fundId=${fundA}&from=${day(-20)}&to=${day(-2)}`);
    expect(journal).toMatch(/^commodity THB\n {4}format 1000\.00 THB$/m);
    expect(journal).toMatch(/^commodity KWD\n {4}format 1000\.000 KWD$/m);
    expect(journal).toContain(`account Assets:Funds:Victim-Fund-Region-Norte-${fundA.slice(0, 8)}:Bank:THB`);
    expect(journal).not.toContain(fundB.slice(0, 8));
    expect(journal).not.toContain('999.00');
    expect(journal).toContain(`${day(-20)} * Opening balances`);
    expect(journal).not.toContain('77.00'); // after the period
    const bank = withFile(journal, (file) =>
      execFileSync('ledger', ['-f', file, 'bal', '--flat', '--no-total', 'Bank'], { encoding: 'utf8' }),
    );
    expect(bank).toMatch(/1250\.50 THB\s+Assets:Funds:Victim-Fund-Region-Norte-[0-9a-f]{8}:Bank:THB/);
    expect(bank).toMatch(/1\.125 KWD\s+Assets:Funds:.*:Bank:KWD/);
    const totals = withFile(journal, (file) =>
      execFileSync('hledger', ['-f', file, 'bal', '--flat', '-N', '-e', day(-19)], { encoding: 'utf8' }),
    );
    expect(totals).toMatch(/1000\.00 THB\s+Assets:Funds:.*:Bank:THB/); // the opening alone
  });

  it("keeps another agency's fund out: 404, and no entries of it in an agency-wide export", async () => {
    await request(t.app)
      .get(`/v1/ledger/export?fundId=${fundA}`)
      .set('Authorization', otherAdmin.authHeader)
      .expect(404);
    const mine = await exportOf(`from=${day(-30)}`, otherAdmin);
    expect(mine).toContain('999.00');
    expect(mine).not.toContain(fundA.slice(0, 8));
    expect(await exportOf(`fundId=${fundB}`, auditor)).toContain('999.00 THB');
  });

  it('refuses a period that ends before it starts, or an impossible day', async () => {
    const res = await request(t.app)
      .get(`/v1/ledger/export?from=${day(-1)}&to=${day(-2)}`)
      .set('Authorization', admin.authHeader)
      .expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/dates-out-of-order');
    await request(t.app)
      .get('/v1/ledger/export?from=2026-02-30')
      .set('Authorization', admin.authHeader)
      .expect(400);
  });
});
