import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { key, makeWorld, pots, post, receipt, requested, type World } from './support';

// Paid today: a payment dated in the future is refused, so a fixed date fails on an earlier clock.
const today = new Date().toISOString().slice(0, 10);

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  // 100.00 given for medical care only; nothing unrestricted: the pot covers 10 payments of 10.00.
  await receipt(t, w, { amount: '100.00', source: 'donation', pot: 'medical' });
});
afterAll(async () => {
  await t.close();
});

/** Ledger invariants read straight from PostgreSQL, for every account of every fund. */
async function ledgerViolations(): Promise<string[]> {
  const { rows } = await sql<{
    code: string;
    posted: string;
    pending: string;
    held: string;
    non_negative: boolean;
  }>`
    select a.code, a.posted, a.pending, a.non_negative,
      coalesce((select sum(l.amount) from ledger_reservation_lines l join ledger_reservations r on r.id = l.reservation_id
                 where l.account_id = a.id and l.holds and r.status = 'pending'), 0)::text as held
      from ledger_accounts a`.execute(t.ctx.db);
  const out: string[] = [];
  for (const r of rows) {
    if (BigInt(r.pending) !== BigInt(r.held))
      out.push(`${r.code}: pending ${r.pending} but reservations hold ${r.held}`);
    if (r.non_negative && BigInt(r.posted) - BigInt(r.pending) < 0n)
      out.push(`${r.code}: available below zero`);
  }
  return out;
}

describe('competing approvals', () => {
  it('approves exactly 10 of 40 concurrent approvals for a pot that covers 10, the rest 409', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await requested(t, w, { amount: '10.00' }));
    const results = await Promise.all(
      ids.map((id) => post(t, `/v1/disbursements/${id}/approve`, w.checker, {}, key())),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(30);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.detail).toMatch(/Insufficient funds/);
    }

    const balances = await pots(t, w);
    expect(balances.medical).toEqual({ posted: '100.00', pending: '100.00', available: '0.00' });
    expect(balances.unrestricted).toEqual({ posted: '0.00', pending: '0.00', available: '0.00' });
    expect(await ledgerViolations()).toEqual([]);

    const approved = results.flatMap((r, i) => (r.status === 200 ? [ids[i]!] : []));
    const db = await t.ctx.db
      .selectFrom('disbursements')
      .select(['id', 'status', 'reservation_id'])
      .where('fund_id', '=', w.fundId)
      .execute();
    expect(
      db
        .filter((d) => d.status === 'approved')
        .map((d) => d.id)
        .sort(),
    ).toEqual([...approved].sort());
    expect(db.filter((d) => d.status === 'requested')).toHaveLength(30);
    expect(db.filter((d) => d.status === 'requested' && d.reservation_id !== null)).toEqual([]);

    // Paying all ten at once posts exactly 100.00 and leaves nothing pending.
    const paid = await Promise.all(
      approved.map((id) => post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: today }, key())),
    );
    expect(paid.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await pots(t, w)).medical).toEqual({ posted: '0.00', pending: '0.00', available: '0.00' });
    expect(await ledgerViolations()).toEqual([]);
  });

  it('lets one of two approvals racing for the last money win and the other get 409', async () => {
    await receipt(t, w, { amount: '25.00', source: 'donation', pot: 'medical' });
    const a = await requested(t, w, { amount: '20.00' });
    const b = await requested(t, w, { amount: '20.00' });
    const [ra, rb] = await Promise.all([
      post(t, `/v1/disbursements/${a}/approve`, w.checker, {}, key()),
      post(t, `/v1/disbursements/${b}/approve`, w.checker2, {}, key()),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    expect((await pots(t, w)).medical).toEqual({ posted: '25.00', pending: '20.00', available: '5.00' });
    expect(await ledgerViolations()).toEqual([]);
  });
});
