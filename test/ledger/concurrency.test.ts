import type { Server } from 'node:http';
import request from 'supertest';
import { code, type Fund } from '../../src/funds/funds';
import { loadFund } from '../../src/funds/funds.repository';
import { reserveFromPot } from '../../src/funds/funds.service';
import { withLedgerErrors } from '../../src/ledger/ledger-errors';
import { postEntry } from '../../src/ledger/ledger.service';
import { transact } from '../../src/lib/db';
import { ConflictError } from '../../src/lib/errors';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations, count } from './helpers';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

let t: TestApp;
let server: Server;
let admin: TestUser;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp({ DB_POOL_MAX: '20' });
  server = t.app.listen(0, '127.0.0.1');
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

async function newFund(
  restrictions: Array<{ code: string; name: string; purposes: string[] }> = [],
): Promise<Fund> {
  const res = await request(server)
    .post('/v1/funds')
    .set('Authorization', admin.authHeader)
    .send({ name: 'Concurrency', currency: 'THB', restrictions })
    .expect(201);
  return (await loadFund(t.ctx.db, t.ctx.db, res.body.id))!;
}

const receive = (fund: Fund, amount: string, pot: string, key: string) =>
  request(server)
    .post(`/v1/funds/${fund.id}/receipts`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', key)
    .send({ source: 'state_appropriation', amount, currency: 'THB', pot, receivedOn: today });

async function balances(fund: Fund) {
  return (
    await request(server)
      .get(`/v1/funds/${fund.id}/balances`)
      .set('Authorization', admin.authHeader)
      .expect(200)
  ).body;
}

describe('under concurrency, against real PostgreSQL', () => {
  it('64 parallel withdrawals from a pot that covers 10: exactly 10 succeed, the rest 409, balance exactly zero', async () => {
    const fund = await newFund();
    await receive(fund, '50.00', 'reserved', 'fund-64').expect(201);
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        request(server)
          .post(`/v1/funds/${fund.id}/pot-transfers`)
          .set('Authorization', admin.authHeader)
          .set('Idempotency-Key', `withdraw-${i}`)
          .send({
            from: 'reserved',
            to: 'unrestricted',
            amount: '5.00',
            currency: 'THB',
            reason: `release ${i}`,
          }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(54);
    const b = await balances(fund);
    expect(b.pots.find((p: any) => p.code === 'reserved')).toMatchObject({
      posted: '0.00',
      available: '0.00',
    });
    expect(b.pots.find((p: any) => p.code === 'unrestricted')).toMatchObject({ posted: '50.00' });
    expect(await bookViolations(t)).toEqual([]);
  });

  it('64 parallel reservations (two-phase) against a pot that covers 10: exactly 10 hold money', async () => {
    const fund = await newFund([{ code: 'medical', name: 'Medical', purposes: ['medical'] }]);
    await receive(fund, '100.00', 'medical', 'fund-res').expect(201);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 64 }, () =>
        withLedgerErrors(() =>
          transact(t.ctx.db, (trx) =>
            reserveFromPot(trx, fund, {
              pot: 'medical',
              purpose: 'medical',
              currency: 'THB',
              amount: 1000n,
              description: 'clinic',
              createdBy: null,
            }),
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(54);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    const pot = (await balances(fund)).pots.find((p: any) => p.code === 'medical');
    expect(pot).toMatchObject({ posted: '100.00', pending: '100.00', available: '0.00' });
    expect(await bookViolations(t)).toEqual([]);
  });

  it('50 parallel requests with one Idempotency-Key: one entry, 50 identical responses', async () => {
    const fund = await newFund();
    const entriesBefore = await count(t, 'ledger_entries');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => receive(fund, '12.34', 'unrestricted', 'same-key-50')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const first = JSON.stringify(results[0]!.body);
    for (const r of results) expect(JSON.stringify(r.body)).toBe(first);
    expect(await count(t, 'ledger_entries')).toBe(entriesBefore + 1);
    const receipts = await t.ctx.db
      .selectFrom('fund_receipts')
      .select('id')
      .where('fund_id', '=', fund.id)
      .execute();
    expect(receipts).toEqual([{ id: results[0]!.body.id }]);
    expect((await balances(fund)).total).toBe('12.34');
  });

  it('random multi-account entries between 20 accounts from 16 workers: no deadlock, books balanced', async () => {
    const restrictions = Array.from({ length: 18 }, (_, i) => ({
      code: `r${i}`,
      name: `R${i}`,
      purposes: ['medical'],
    }));
    const fund = await newFund(restrictions);
    const pots = ['unrestricted', 'reserved', ...restrictions.map((r) => r.code)];
    for (const [i, pot] of pots.entries()) await receive(fund, '100.00', pot, `seed-${i}`).expect(201);
    const accounts = pots.map((p) => fund.accounts.get(code.pot(p, 'THB'))!);
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const failures: unknown[] = [];
    let posted = 0;
    let refused = 0;
    const worker = async () => {
      for (let i = 0; i < 25; i++) {
        // Two transfers in one entry, listed in random account order: a deadlock would need the
        // engine to lock in posting order; it locks in id order.
        const pick = () => accounts[rand(accounts.length)]!;
        const [a, b, c, d] = [pick(), pick(), pick(), pick()];
        const x = BigInt(1 + rand(3000));
        const y = BigInt(1 + rand(3000));
        try {
          await withLedgerErrors(() =>
            transact(t.ctx.db, (trx) =>
              postEntry(trx, {
                kind: 'pot_transfer',
                description: 'stress',
                postings: [
                  { accountId: a, side: 'debit', amount: x },
                  { accountId: c, side: 'debit', amount: y },
                  { accountId: b, side: 'credit', amount: x },
                  { accountId: d, side: 'credit', amount: y },
                ],
              }),
            ),
          );
          posted += 1;
        } catch (err) {
          if (err instanceof ConflictError) refused += 1;
          else failures.push(err);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures).toEqual([]);
    expect(posted + refused).toBe(16 * 25);
    expect(posted).toBeGreaterThan(200);
    const b = await balances(fund);
    expect(b.total).toBe('2000.00');
    expect(b.bankAndCash).toBe('2000.00');
    expect(await bookViolations(t)).toEqual([]);
  });
});
