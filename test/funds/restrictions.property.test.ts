import fc from 'fast-check';
import { sql } from 'kysely';
import request from 'supertest';
import { choosePot } from '../../src/disbursements/disbursements';
import { PURPOSES, potsFor, type Pot, type Restriction } from '../../src/funds/funds';
import { payingPots, transferRefusal, type Beneficiary } from '../../src/funds/restrictions';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  bankBody,
  key,
  makeWorld,
  post,
  receipt,
  stateFundClaim,
  type World,
} from '../disbursements/support';

/*
 * Issue #10, item 2: no posting ever moves money out of a restricted pot for a use or a person
 * its restriction excludes. Checked against an oracle written here from the rule's wording,
 * not from the code: a pure property over thousands of random funds and uses, and random
 * sequences of receipts, decisions, reviews, disbursements and transfers over HTTP whose
 * ledger is then read back posting by posting.
 */

const NATIONS = ['MM', 'KH', 'TH', 'LA'];
const PROGRAMMES = ['reintegration', 'shelter', 'school'];

/** The rule, as the issue states it: purpose named, and every beneficiary criterion named holds. */
function oracleAllows(r: Restriction | null, purpose: string, who: Beneficiary | null): boolean {
  if (r === null) return true; // unrestricted
  if (!r.purposes.includes(purpose)) return false;
  const b = r.beneficiaries;
  if (!b) return true;
  if (who === null) return false;
  if (b.children && !who.isChild) return false;
  if (b.nationalities && (who.nationality === null || !b.nationalities.includes(who.nationality)))
    return false;
  if (b.programmes && !who.programmes.some((p) => b.programmes!.includes(p))) return false;
  return true;
}

const restrictionOf = (pot: Pot): Restriction | null =>
  pot.kind === 'unrestricted'
    ? null
    : {
        code: pot.code,
        name: pot.name,
        purposes: pot.purposes,
        beneficiaries: pot.beneficiaries ?? undefined,
      };

const beneficiariesArb = fc
  .record(
    {
      children: fc.constant(true as const),
      nationalities: fc.subarray(NATIONS, { minLength: 1 }),
      programmes: fc.subarray(PROGRAMMES, { minLength: 1 }),
    },
    { requiredKeys: [] },
  )
  .map((b) => (Object.keys(b).length === 0 ? undefined : b));

const restrictionsArb = fc.uniqueArray(
  fc.record({
    code: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
    name: fc.constant('R'),
    purposes: fc.subarray([...PURPOSES], { minLength: 1 }),
    beneficiaries: beneficiariesArb,
  }),
  { selector: (r) => r.code, maxLength: 5 },
);

const beneficiaryArb: fc.Arbitrary<Beneficiary | null> = fc.option(
  fc.record({
    isChild: fc.boolean(),
    nationality: fc.option(fc.constantFrom(...NATIONS)),
    programmes: fc.subarray(PROGRAMMES),
  }),
  { freq: 8 },
);

describe('restricted pots (pure)', () => {
  it('offers and chooses only pots whose restriction allows the purpose and the person', () => {
    fc.assert(
      fc.property(
        restrictionsArb,
        fc.constantFrom(...PURPOSES),
        beneficiaryArb,
        fc.array(fc.constantFrom('unrestricted', 'reserved', 'r1', 'r2', 'r3', 'r4', 'r5')),
        fc.option(fc.constantFrom('unrestricted', 'reserved', 'r1', 'r2', 'r3')),
        fc.array(fc.bigInt({ min: 0n, max: 1000n }), { minLength: 7, maxLength: 7 }),
        fc.bigInt({ min: 1n, max: 1000n }),
        (restrictions, purpose, who, order, requested, balances, amount) => {
          const pots = potsFor(restrictions);
          const candidates = payingPots(pots, { purpose, beneficiary: who }, order, requested);
          for (const p of candidates) {
            expect(['restricted', 'unrestricted']).toContain(p.kind);
            expect(oracleAllows(restrictionOf(p), purpose, who)).toBe(true);
          }
          // Nothing that may pay is left out (the pot order only reorders).
          const mayPay = pots.filter(
            (p) =>
              (p.kind === 'restricted' || p.kind === 'unrestricted') &&
              oracleAllows(restrictionOf(p), purpose, who) &&
              (requested === null || p.code === requested),
          );
          expect(candidates.map((p) => p.code).sort()).toEqual(mayPay.map((p) => p.code).sort());
          const choice = choosePot(
            candidates.map((pot, i) => ({ pot, available: balances[i]! })),
            amount,
          );
          if (choice.ok) expect(oracleAllows(restrictionOf(choice.pot), purpose, who)).toBe(true);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('lets restricted money move only to a pot that pays no use or person the source excludes', () => {
    fc.assert(
      fc.property(
        restrictionsArb,
        fc.nat(6),
        fc.nat(6),
        fc.array(fc.tuple(fc.constantFrom(...PURPOSES), beneficiaryArb), { minLength: 1, maxLength: 20 }),
        (restrictions, a, b, uses) => {
          const pots = potsFor(restrictions);
          const from = pots[a % pots.length]!;
          const to = pots[b % pots.length]!;
          if (from.kind !== 'restricted' || transferRefusal(from, to) !== null) return;
          expect(to.kind).toBe('restricted');
          for (const [purpose, who] of uses)
            if (oracleAllows(restrictionOf(to), purpose, who))
              expect(oracleAllows(restrictionOf(from), purpose, who)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// The HTTP part: one fund whose pots restrict purposes and people in overlapping ways.
const RESTRICTIONS: Restriction[] = [
  { code: 'children', name: 'Children', purposes: [...PURPOSES], beneficiaries: { children: true } },
  {
    code: 'children_mm',
    name: 'Children from Myanmar',
    purposes: ['education', 'medical', 'compensation_award'],
    beneficiaries: { children: true, nationalities: ['MM'] },
  },
  {
    code: 'myanmar',
    name: 'Going home',
    purposes: ['return_travel', 'compensation_award'],
    beneficiaries: { nationalities: ['MM'] },
  },
  {
    code: 'reintegration',
    name: 'Reintegration',
    purposes: ['livelihood', 'education'],
    beneficiaries: { programmes: ['reintegration'] },
  },
  { code: 'medical', name: 'Medical', purposes: ['medical'] },
];
const POTS = ['unrestricted', 'reserved', ...RESTRICTIONS.map((r) => r.code)];
const VICTIMS: Array<Beneficiary & { guardian?: boolean }> = [
  { isChild: true, nationality: 'MM', programmes: [] },
  { isChild: true, nationality: 'KH', programmes: ['reintegration'] },
  { isChild: false, nationality: 'MM', programmes: ['reintegration'] },
  { isChild: false, nationality: 'KH', programmes: [] },
  { isChild: false, nationality: null, programmes: ['shelter'] },
];
const HTTP_PURPOSES = ['compensation_award', 'medical', 'education', 'return_travel', 'livelihood'];

type Op =
  | { t: 'receipt'; pot: string; cents: number }
  | {
      t: 'pay';
      victim: number;
      purpose: string;
      cents: number;
      pot: string | null;
      then: 'paid' | 'failed' | 'keep';
    }
  | { t: 'decide'; victim: number; cents: number; pot: string | null }
  | { t: 'review'; cents: number }
  | { t: 'transfer'; from: string; to: string; cents: number };

const cents = fc.integer({ min: 1, max: 60000 });
const namedPot = fc.option(fc.constantFrom(...POTS), { freq: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('receipt' as const), pot: fc.constantFrom(...POTS), cents }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('pay' as const),
      victim: fc.nat(VICTIMS.length - 1),
      purpose: fc.constantFrom(...HTTP_PURPOSES),
      cents,
      pot: namedPot,
      then: fc.constantFrom('paid' as const, 'failed' as const, 'keep' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('decide' as const),
      victim: fc.nat(VICTIMS.length - 1),
      cents,
      pot: namedPot,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('review' as const), cents }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('transfer' as const),
      from: fc.constantFrom(...POTS),
      to: fc.constantFrom(...POTS),
      cents,
    }),
  },
);

const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const today = new Date().toISOString().slice(0, 10);

describe('restricted pots over HTTP', () => {
  let t: TestApp;
  let w: World;
  const victimIds: string[] = [];
  const decided: string[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    w = await makeWorld(t, { restrictions: RESTRICTIONS });
    for (const v of VICTIMS) {
      const res = await request(t.app)
        .post('/v1/victims')
        .set('Authorization', w.worker.authHeader)
        .send({
          fullName: 'Victim P',
          preferredLanguage: 'en',
          isChild: v.isChild,
          ...(v.nationality ? { nationality: v.nationality } : {}),
          programmes: v.programmes,
          consent: { shareWithFundAgency: true, contactByEmail: false },
        })
        .expect(201);
      victimIds.push(res.body.id as string);
      await stateFundClaim(t, w.worker, res.body.id, w.fundId); // lets the fund's staff pay them
    }
    for (const pot of ['unrestricted', ...RESTRICTIONS.map((r) => r.code)])
      await receipt(t, w, { amount: '2000.00', source: 'donation', pot });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const move = (claimId: string, by: typeof w.maker, body: Record<string, unknown>) =>
    request(t.app).post(`/v1/claims/${claimId}/transitions`).set('Authorization', by.authHeader).send(body);

  async function run(op: Op): Promise<void> {
    switch (op.t) {
      case 'receipt':
        await receipt(t, w, {
          amount: money(op.cents),
          source: 'donation',
          pot: op.pot === 'reserved' ? 'unrestricted' : op.pot,
        });
        return;
      case 'transfer': {
        const res = await post(t, `/v1/funds/${w.fundId}/pot-transfers`, w.maker, {
          from: op.from,
          to: op.to,
          amount: money(op.cents),
          currency: 'THB',
          reason: 'property test',
        });
        expect([201, 400, 409]).toContain(res.status);
        return;
      }
      case 'pay': {
        const body = bankBody(w, {
          victimId: victimIds[op.victim],
          purpose: op.purpose,
          amount: money(op.cents),
          ...(op.pot ? { pot: op.pot } : {}),
        });
        const made = await post(t, '/v1/disbursements', w.maker, body);
        expect([201, 400, 409]).toContain(made.status);
        if (made.status !== 201) return;
        const approved = await post(t, `/v1/disbursements/${made.body.id}/approve`, w.checker, {}, key());
        expect([200, 409]).toContain(approved.status);
        if (approved.status !== 200) return;
        // What the request forecast is what the approval drew on, when it could pay then.
        if (made.body.drawsFrom.length > 0) expect(approved.body.drawsFrom).toEqual(made.body.drawsFrom);
        if (op.then === 'paid')
          await post(t, `/v1/disbursements/${made.body.id}/paid`, w.checker, { paidOn: today }).expect(200);
        if (op.then === 'failed')
          await post(t, `/v1/disbursements/${made.body.id}/failed`, w.checker, { reason: 'bounced' }).expect(
            200,
          );
        return;
      }
      case 'decide': {
        const claimId = await stateFundClaim(t, w.worker, victimIds[op.victim]!, w.fundId);
        await move(claimId, w.maker, { to: 'eligibility_review' }).expect(200);
        const res = await move(claimId, w.maker, {
          to: 'decided',
          award: { heads: [{ head: 'medical_expenses', amount: money(op.cents) }] },
          ...(op.pot ? { pot: op.pot } : {}),
        });
        expect([200, 400, 409]).toContain(res.status);
        if (res.status === 200) decided.push(claimId);
        return;
      }
      case 'review': {
        const claimId = decided.pop();
        if (!claimId) return;
        await move(claimId, w.worker, { to: 'review' }).expect(200);
        const res = await move(claimId, w.maker, {
          to: 'decided',
          award: { heads: [{ head: 'medical_expenses', amount: money(op.cents) }] },
        });
        expect([200, 409]).toContain(res.status);
        if (res.status === 200) decided.push(claimId);
        return;
      }
    }
  }

  /** Every debit of a restricted pot, posted or held, with the use it served; none is excluded. */
  async function checkLedger(): Promise<number> {
    const { rows } = await sql<{
      pot: string;
      metadata: Record<string, unknown>;
    }>`
      select a.pot_code as pot, e.metadata
        from ledger_postings p
        join ledger_entries e on e.id = p.entry_id
        join ledger_accounts a on a.id = p.account_id and a.role = 'pot'
       where a.fund_id = ${w.fundId} and p.side = 'debit'
      union all
      select a.pot_code, r.metadata
        from ledger_reservation_lines l
        join ledger_reservations r on r.id = l.reservation_id and r.status = 'pending'
        join ledger_accounts a on a.id = l.account_id and a.role = 'pot'
       where a.fund_id = ${w.fundId} and l.side = 'debit'`.execute(t.ctx.db);
    const restriction = new Map(RESTRICTIONS.map((r) => [r.code, r]));
    const facts = new Map(victimIds.map((id, i) => [id, VICTIMS[i]!]));
    let checked = 0;
    for (const row of rows) {
      const r = restriction.get(row.pot);
      if (!r) continue; // unrestricted, reserved, trust and committed pots
      checked++;
      const m = row.metadata;
      if (typeof m.disbursementId === 'string') {
        const d = await t.ctx.db
          .selectFrom('disbursements')
          .select(['victim_id', 'purpose'])
          .where('id', '=', m.disbursementId)
          .executeTakeFirstOrThrow();
        expect([row.pot, d.purpose, oracleAllows(r, d.purpose, facts.get(d.victim_id)!)]).toEqual([
          row.pot,
          d.purpose,
          true,
        ]);
      } else if (typeof m.claimId === 'string') {
        expect(m.commitment).toBe('commit');
        const c = await t.ctx.db
          .selectFrom('claims')
          .select('victim_id')
          .where('id', '=', m.claimId)
          .executeTakeFirstOrThrow();
        expect([row.pot, oracleAllows(r, 'compensation_award', facts.get(c.victim_id)!)]).toEqual([
          row.pot,
          true,
        ]);
      } else {
        // A transfer by hand: into a restricted pot that pays nobody and nothing the source excludes.
        const to = restriction.get(m.to as string);
        expect([row.pot, m.to, to !== undefined]).toEqual([row.pot, m.to, true]);
        for (const purpose of PURPOSES)
          for (const who of VICTIMS)
            if (oracleAllows(to!, purpose, who)) expect(oracleAllows(r, purpose, who)).toBe(true);
      }
    }
    return checked;
  }

  it('never moves money out of a restricted pot for a use or a person its restriction excludes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 8 }), async (ops) => {
        for (const op of ops) await run(op);
        await checkLedger();
      }),
      { numRuns: 25 },
    );
    // The property was exercised: money did leave beneficiary-restricted pots, for people they allow.
    expect(await checkLedger()).toBeGreaterThan(0);
    const { rows } = await sql<{ pot: string }>`
      select distinct a.pot_code as pot from ledger_postings p
        join ledger_accounts a on a.id = p.account_id and a.role = 'pot'
       where a.fund_id = ${w.fundId} and p.side = 'debit' and a.pot_code in ('children', 'myanmar', 'reintegration', 'children_mm')`.execute(
      t.ctx.db,
    );
    expect(rows.length).toBeGreaterThan(0);
  }, 300_000);
});
