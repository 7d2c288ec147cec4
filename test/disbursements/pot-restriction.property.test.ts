import fc from 'fast-check';
import { sql } from 'kysely';
import { choosePot } from '../../src/disbursements/disbursements';
import { payingPots } from '../../src/funds/restrictions';
import { PURPOSES, potsFor, type Pot } from '../../src/funds/funds';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { key, makeWorld, post, receipt, requested, type World } from './support';

// Paid today: a payment dated in the future is refused, so a fixed date fails on an earlier clock.
const today = new Date().toISOString().slice(0, 10);

const RESTRICTIONS = [
  { code: 'medical', name: 'Medical care', purposes: ['medical'] },
  { code: 'children', name: 'Children', purposes: ['education', 'medical'] },
  { code: 'home', name: 'Going home', purposes: ['return_travel', 'accommodation'] },
];

describe('pot selection (pure)', () => {
  const potArb = fc.constantFrom(...potsFor(RESTRICTIONS));
  it('only ever offers pots whose purposes include the one paid for, never reserved or trust pots', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(potArb, { selector: (p: Pot) => p.code }),
        fc.constantFrom(...PURPOSES),
        fc.array(fc.constantFrom('unrestricted', 'medical', 'children', 'home', 'reserved')),
        fc.array(fc.bigInt({ min: 0n, max: 1000n }), { minLength: 6, maxLength: 6 }),
        fc.bigInt({ min: 1n, max: 1000n }),
        (pots, purpose, order, balances, amount) => {
          const candidates = payingPots(pots, { purpose, beneficiary: null }, order, null);
          for (const p of candidates) {
            expect(p.purposes).toContain(purpose);
            expect(['restricted', 'unrestricted']).toContain(p.kind);
          }
          const choice = choosePot(
            candidates.map((pot, i) => ({ pot, available: balances[i]! })),
            amount,
          );
          if (choice.ok) expect(choice.pot.purposes).toContain(purpose);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('pot selection over HTTP', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await createTestApp();
    w = await makeWorld(t, { restrictions: RESTRICTIONS });
    await receipt(t, w, { amount: '300.00', source: 'donation', pot: 'medical' });
    await receipt(t, w, { amount: '300.00', source: 'donation', pot: 'children' });
    await receipt(t, w, { amount: '300.00', source: 'donation', pot: 'home' });
    await receipt(t, w, { amount: '200.00', source: 'fine' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('never draws a restricted pot for a purpose it does not allow, whatever is requested', async () => {
    const request = fc.record({
      purpose: fc.constantFrom(...PURPOSES),
      cents: fc.integer({ min: 1, max: 9000 }),
      then: fc.constantFrom('paid', 'failed', 'reject', 'keep'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
        for (const r of batch) {
          const amount = `${Math.floor(r.cents / 100)}.${String(r.cents % 100).padStart(2, '0')}`;
          const id = await requested(t, w, { purpose: r.purpose, amount });
          const approved = await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}, key());
          expect([200, 409]).toContain(approved.status);
          if (approved.status !== 200) continue;
          if (r.then === 'paid')
            await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: today }, key()).expect(200);
          if (r.then === 'failed')
            await post(t, `/v1/disbursements/${id}/failed`, w.checker, { reason: 'bounced' }).expect(200);
          if (r.then === 'reject')
            await post(t, `/v1/disbursements/${id}/reject`, w.checker, { reason: 'cancelled' }).expect(200);
        }
        // From the ledger itself: every pot a disbursement's reservation held allows its purpose.
        const { rows } = await sql<{ purpose: string; pot: string; purposes: string[] }>`
          select d.purpose, a.pot_code as pot, p.purposes
            from disbursements d
            join ledger_reservation_lines l on l.reservation_id = d.reservation_id
            join ledger_accounts a on a.id = l.account_id and a.role = 'pot'
            join fund_pots p on p.fund_id = a.fund_id and p.code = a.pot_code
           where d.fund_id = ${w.fundId}`.execute(t.ctx.db);
        for (const row of rows) expect(row.purposes).toContain(row.purpose);
        const { rows: negative } = await sql<{ code: string }>`
          select code from ledger_accounts where fund_id = ${w.fundId} and non_negative and posted - pending < 0`.execute(
          t.ctx.db,
        );
        expect(negative).toEqual([]);
      }),
      { numRuns: 12 },
    );
    // The property was exercised on real reservations, in restricted pots too.
    const drawn = await t.ctx.db
      .selectFrom('disbursements')
      .select('pot_code')
      .where('fund_id', '=', w.fundId)
      .where('pot_code', 'is not', null)
      .execute();
    expect(drawn.some((d) => d.pot_code !== 'unrestricted')).toBe(true);
  });
});
