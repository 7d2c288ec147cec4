import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bankBody, get, key, makeWorld, post, receipt, type World } from './support';

let t: TestApp;
let w: World;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
});
afterAll(async () => {
  await t.close();
});

describe('a medical payment from restricted money, end to end over HTTP', () => {
  it('ties balances, statement and trial balance together to the minor unit', async () => {
    await receipt(t, w, {
      amount: '10000.00',
      source: 'donation',
      pot: 'medical',
      donor: 'Health foundation',
    });
    await receipt(t, w, { amount: '25000.50', source: 'fine' });

    const request = await post(
      t,
      '/v1/disbursements',
      w.maker,
      bankBody(w, {
        claimId: w.claimId,
        amount: '3250.25',
        rationale: 'Surgery invoice, provincial hospital',
      }),
    ).expect(201);
    const id = request.body.id as string;
    await post(t, `/v1/disbursements/${id}/approve`, w.maker, {}).expect(403);
    const approved = await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}, key()).expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      pot: 'medical',
      approvals: [{ approverId: w.checker.id }],
    });

    // Approved: reserved, not yet posted. available = posted − pending.
    const held = await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200);
    expect(held.body).toMatchObject({
      total: '35000.50',
      pending: '3250.25',
      available: '31750.25',
      bankAndCash: '35000.50',
    });
    expect(held.body.pots.find((p: any) => p.code === 'medical')).toMatchObject({
      posted: '10000.00',
      pending: '3250.25',
      available: '6749.75',
    });

    const paid = await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: today }, key()).expect(
      200,
    );
    expect(paid.body.status).toBe('paid');

    // 10,000.00 − 3,250.25 = 6,749.75 medical; 25,000.50 unrestricted; 31,750.25 in all.
    const balances = await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200);
    expect(balances.body).toMatchObject({
      total: '31750.25',
      pending: '0.00',
      available: '31750.25',
      bankAndCash: '31750.25',
    });
    const pot = (code: string) => balances.body.pots.find((p: any) => p.code === code);
    expect(pot('medical')).toMatchObject({ posted: '6749.75', pending: '0.00', available: '6749.75' });
    expect(pot('unrestricted')).toMatchObject({ posted: '25000.50', pending: '0.00', available: '25000.50' });
    expect(pot('reserved')).toMatchObject({ posted: '0.00', pending: '0.00' });

    const statement = await get(
      t,
      `/v1/funds/${w.fundId}/statement?from=${today}&to=${today}`,
      w.auditor,
    ).expect(200);
    expect(statement.body).toMatchObject({
      opening: '0.00',
      totalReceipts: '35000.50',
      totalDisbursements: '3250.25',
      adjustments: '0.00',
      closing: '31750.25',
    });
    expect(statement.body.receiptsBySource).toMatchObject({ donation: '10000.00', fine: '25000.50' });
    expect(statement.body.disbursementsByPurpose).toMatchObject({ medical: '3250.25', education: '0.00' });

    const tb = await get(t, `/v1/ledger/trial-balance?fundId=${w.fundId}`, w.auditor).expect(200);
    // debits: bank 31,750.25 + expense:medical 3,250.25 + allocated 31,750.25 = 66,750.75
    // credits: donation 10,000.00 + fine 25,000.50 + pots 31,750.25 = 66,750.75
    expect(tb.body.currencies.THB).toEqual({ debits: '66750.75', credits: '66750.75', balanced: true });
    const acct = (code: string) => tb.body.accounts.find((a: any) => a.code === code);
    expect(acct('bank:THB')).toMatchObject({ debit: '31750.25', credit: '0.00' });
    expect(acct('expense:medical:THB')).toMatchObject({ debit: '3250.25', credit: '0.00' });
    expect(acct('pot:medical:THB')).toMatchObject({ debit: '0.00', credit: '6749.75' });
    expect(acct('allocated:THB')).toMatchObject({ debit: '31750.25', credit: '0.00' });

    // The ledger entry that paid it is the one the disbursement points to.
    const entry = await get(t, `/v1/ledger/entries/${paid.body.entryId}`, w.auditor).expect(200);
    expect(entry.body.kind).toBe('disbursement');
    expect(entry.body.description).toBe(`Disbursement ${paid.body.paymentReference} (medical)`);

    // The export still balances in ledger-cli, and shows the 3,250.25 medical expense.
    const exported = await get(t, '/v1/ledger/export?format=ledger', w.auditor).expect(200);
    const file = path.join(os.tmpdir(), `redress-disb-export-${process.pid}.dat`);
    fs.writeFileSync(file, exported.text);
    try {
      const total = execFileSync('ledger', ['-f', file, 'balance'], { encoding: 'utf8' });
      expect(total.trim().split('\n').pop()!.trim()).toBe('0');
      const expense = execFileSync('ledger', ['-f', file, 'balance', '--flat', '--no-total', 'medical'], {
        encoding: 'utf8',
      });
      expect(expense).toMatch(/3,?250\.25 THB\s+\S*expense\S*medical/i);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
