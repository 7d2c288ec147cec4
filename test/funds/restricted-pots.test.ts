import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  bankBody,
  footprint,
  get,
  key,
  makeWorld,
  post,
  receipt,
  stateFundClaim,
  type World,
} from '../disbursements/support';

/*
 * Issue #10, item 2: money leaves a restricted pot only for a use, and a person, its restriction
 * allows; commitments and disbursements follow the fund's pot order; a decision may name the
 * pot; decisions and approvals say which pots they draw from, also as a dry run.
 */

const ALL = [
  'compensation_award',
  'interim_assistance',
  'medical',
  'legal',
  'accommodation',
  'livelihood',
  'education',
  'return_travel',
  'other',
];
const RESTRICTIONS = [
  // A donor's gift for children: every purpose, but only for victims who are children.
  { code: 'children', name: 'For children', purposes: ALL, beneficiaries: { children: true } },
  {
    code: 'myanmar',
    name: 'Return home',
    purposes: ['return_travel'],
    beneficiaries: { nationalities: ['MM'] },
  },
  {
    code: 'reintegration',
    name: 'Reintegration programme',
    purposes: ['livelihood'],
    beneficiaries: { programmes: ['reintegration'] },
  },
  { code: 'general', name: 'General awards', purposes: ['compensation_award'] },
];

let t: TestApp;
let w: World;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t, { restrictions: RESTRICTIONS });
  await receipt(t, w, { amount: '1000000.00', source: 'donation', pot: 'children', donor: 'Child fund' });
  await receipt(t, w, { amount: '2700000.00', source: 'state_appropriation' });
});
afterAll(async () => {
  await t.close();
});

const balances = async () => {
  const b = (await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200)).body;
  return Object.fromEntries(
    (b.pots as Array<{ code: string; posted: string }>).map((p) => [p.code, p.posted]),
  ) as Record<string, string>;
};
const transition = (claimId: string, by: TestUser, body: Record<string, unknown>, query = '') =>
  request(t.app)
    .post(`/v1/claims/${claimId}/transitions${query}`)
    .set('Authorization', by.authHeader)
    .send(body);
const award = (amount: string) => ({ award: { heads: [{ head: 'medical_expenses', amount }] } });
const decide = async (claimId: string, amount: string, extra: Record<string, unknown> = {}) => {
  const res = await transition(claimId, w.maker, { to: 'decided', ...award(amount), ...extra });
  expect([res.status, res.body.detail]).toEqual([200, undefined]);
  return res.body;
};
const newClaim = async (victim: Record<string, unknown>) => {
  const v = await request(t.app)
    .post('/v1/victims')
    .set('Authorization', w.worker.authHeader)
    .send({
      fullName: 'Victim B',
      preferredLanguage: 'th',
      consent: { shareWithFundAgency: true, contactByEmail: false },
      ...victim,
    })
    .expect(201);
  const claimId = await stateFundClaim(t, w.worker, v.body.id, w.fundId);
  await transition(claimId, w.maker, { to: 'eligibility_review' }).expect(200);
  return { victimId: v.body.id as string, claimId };
};
const child = { isChild: true, guardian: { name: 'Guardian B' } };
const setPotOrder = (potOrder: string[]) =>
  request(t.app)
    .put(`/v1/funds/${w.fundId}/disbursement-policy`)
    .set('Authorization', w.maker.authHeader)
    .send({ potOrder })
    .expect(200);

describe('a State-fund award and restricted pots', () => {
  it("commits an adult's award from unrestricted, never from the children-only pot", async () => {
    await transition(w.claimId, w.maker, { to: 'eligibility_review' }).expect(200);
    const before = await balances();
    const decided = await decide(w.claimId, '500.00');
    expect(decided.drawsFrom).toEqual([{ pot: 'unrestricted', amount: '500.00' }]);
    const after = await balances();
    expect(after.children).toBe(before.children);
    expect(after.unrestricted).toBe('2699500.00');
  });

  it("commits a child's award from the children pot (restricted money first, when it may pay)", async () => {
    const { claimId } = await newClaim(child);
    const decided = await decide(claimId, '300.00');
    expect(decided.drawsFrom).toEqual([{ pot: 'children', amount: '300.00' }]);
    expect((await balances()).children).toBe('999700.00');
  });

  it("follows the fund's pot order: unrestricted first when the policy says so", async () => {
    await receipt(t, w, { amount: '800.00', source: 'donation', pot: 'general' });
    await setPotOrder(['unrestricted', 'general']);
    const { claimId } = await newClaim({});
    const decided = await decide(claimId, '200.00');
    expect(decided.drawsFrom).toEqual([{ pot: 'unrestricted', amount: '200.00' }]);
    expect((await balances()).general).toBe('800.00');
    await setPotOrder([]);
  });

  it('commits from the pot the decision names, and says where a review gives money back', async () => {
    const { claimId } = await newClaim({});
    const decided = await decide(claimId, '250.00', { pot: 'general' });
    expect(decided.drawsFrom).toEqual([{ pot: 'general', amount: '250.00' }]);
    await transition(claimId, w.worker, { to: 'review' }).expect(200);
    const reviewed = await decide(claimId, '100.00');
    expect([reviewed.drawsFrom, reviewed.returnedTo]).toEqual([[], [{ pot: 'general', amount: '150.00' }]]);
  });

  it("refuses to commit an adult's award from a named children-only pot: 409, nothing changes", async () => {
    const { claimId } = await newClaim({});
    const before = await footprint(t);
    const res = await transition(claimId, w.maker, { to: 'decided', ...award('100.00'), pot: 'children' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://redress.example/problems/restriction-excludes-use');
    expect(res.body.detail).toContain('pays only children');
    expect(await footprint(t)).toEqual(before);
  });

  it('refuses a named pot that does not exist, or on a claim that is not a State-fund decision (400)', async () => {
    const { claimId } = await newClaim({});
    const unknown = await transition(claimId, w.maker, { to: 'decided', ...award('1.00'), pot: 'nope' });
    expect([unknown.status, unknown.body.errors?.[0]?.path]).toEqual([400, 'pot']);
    const noAward = await transition(claimId, w.maker, { to: 'info_requested', pot: 'general', note: 'x' });
    expect([noAward.status, noAward.body.errors?.[0]?.path]).toEqual([400, 'pot']);
  });

  it('previews a decision: the same answer with drawsFrom, and nothing changes', async () => {
    const { claimId } = await newClaim({});
    const before = await footprint(t);
    const pots = await balances();
    const res = await transition(claimId, w.maker, { to: 'decided', ...award('700.00') }, '?preview=true');
    expect([res.status, res.body.detail]).toEqual([200, undefined]);
    // By default restricted money that may pay the award goes first: "general" holds 800 − 250 + 150.
    expect(res.body).toMatchObject({
      preview: true,
      status: 'decided',
      drawsFrom: [{ pot: 'general', amount: '700.00' }],
    });
    expect(await footprint(t)).toEqual(before);
    expect(await balances()).toEqual(pots);
    const claim = await request(t.app)
      .get(`/v1/claims/${claimId}`)
      .set('Authorization', w.worker.authHeader)
      .expect(200);
    expect([claim.body.status, claim.body.totals.awarded]).toEqual(['eligibility_review', '0.00']);
  });
});

describe('disbursements and restricted pots', () => {
  const request_ = async (victimId: string, over: Record<string, unknown>) => {
    const res = await post(t, '/v1/disbursements', w.maker, bankBody(w, { victimId, ...over }));
    expect([res.status, res.body.detail]).toEqual([201, undefined]);
    return res.body;
  };

  it('pays a Myanmar national for return travel from the pot restricted to them, said before approval', async () => {
    await receipt(t, w, { amount: '5000.00', source: 'donation', pot: 'myanmar' });
    // The world's victim is a Myanmar national.
    const made = await request_(w.victimId, { purpose: 'return_travel', amount: '400.00' });
    expect(made.drawsFrom).toEqual([{ pot: 'myanmar', amount: '400.00' }]);
    const before = await footprint(t);
    const preview = await request(t.app)
      .post(`/v1/disbursements/${made.id}/approve?preview=true`)
      .set('Authorization', w.checker.authHeader)
      .send({})
      .expect(200);
    expect(preview.body).toMatchObject({
      preview: true,
      status: 'approved',
      drawsFrom: [{ pot: 'myanmar', amount: '400.00' }],
    });
    expect(await footprint(t)).toEqual(before);
    const approved = await post(t, `/v1/disbursements/${made.id}/approve`, w.checker, {}).expect(200);
    expect(approved.body).toMatchObject({
      pot: 'myanmar',
      drawsFrom: [{ pot: 'myanmar', amount: '400.00' }],
    });
  });

  it('never pays another nationality from that pot: it draws on unrestricted instead', async () => {
    const { victimId } = await newClaim({ nationality: 'KH' });
    const made = await request_(victimId, { purpose: 'return_travel', amount: '400.00' });
    expect(made.drawsFrom).toEqual([{ pot: 'unrestricted', amount: '400.00' }]);
    const named = await post(
      t,
      '/v1/disbursements',
      w.maker,
      bankBody(w, { victimId, purpose: 'return_travel', pot: 'myanmar' }),
    );
    expect([named.status, named.body.errors?.[0]?.message]).toEqual([
      400,
      'pot "myanmar" pays only nationals of MM',
    ]);
  });

  it("pays a programme's members from its pot, and no one else", async () => {
    await receipt(t, w, { amount: '900.00', source: 'donation', pot: 'reintegration' });
    const member = await newClaim({ programmes: ['reintegration'] });
    const other = await newClaim({ programmes: ['shelter'] });
    const a = await request_(member.victimId, { purpose: 'livelihood', amount: '100.00' });
    const b = await request_(other.victimId, { purpose: 'livelihood', amount: '100.00' });
    expect([a.drawsFrom, b.drawsFrom]).toEqual([
      [{ pot: 'reintegration', amount: '100.00' }],
      [{ pot: 'unrestricted', amount: '100.00' }],
    ]);
  });

  it("answers 409 insufficient-funds when only a pot the victim's restriction excludes has the money", async () => {
    await setPotOrder([]);
    const { victimId } = await newClaim({});
    // 2,700,000 of unrestricted cannot cover 3,000,000; the children pot may not pay an adult.
    const made = await request_(victimId, { purpose: 'education', amount: '3000000.00' });
    expect(made.drawsFrom).toEqual([]);
    expect(made.drawsFromRefusal.type).toBe('https://redress.example/problems/insufficient-funds');
    const res = await post(t, `/v1/disbursements/${made.id}/approve`, w.checker, {}, key());
    expect([res.status, res.body.type]).toEqual([409, 'https://redress.example/problems/insufficient-funds']);
    expect(res.body.detail).not.toContain('"children"');
  });

  it('stops paying a victim from the children pot once they are no longer a child', async () => {
    const { victimId } = await newClaim(child);
    const made = await request_(victimId, { purpose: 'education', amount: '10.00', pot: 'children' });
    expect(made.drawsFrom).toEqual([{ pot: 'children', amount: '10.00' }]);
    await request(t.app)
      .patch(`/v1/victims/${victimId}`)
      .set('Authorization', w.worker.authHeader)
      .send({ isChild: false })
      .expect(200);
    const res = await post(t, `/v1/disbursements/${made.id}/approve`, w.checker, {});
    expect([res.status, res.body.type]).toEqual([
      409,
      'https://redress.example/problems/restriction-excludes-use',
    ]);
  });

  it('keeps restricted money restricted to the same people when it moves between pots', async () => {
    const res = await post(t, `/v1/funds/${w.fundId}/pot-transfers`, w.maker, {
      from: 'children',
      to: 'general',
      amount: '1.00',
      currency: 'THB',
      reason: 'try to free it',
    });
    expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, 'to']);
    expect(res.body.errors[0].message).toContain('same people or fewer');
  });

  it("pays a child's medical bill from the children pot, through to paid", async () => {
    const { victimId } = await newClaim(child);
    const made = await request_(victimId, { purpose: 'medical', amount: '20.00' });
    expect(made.drawsFrom).toEqual([{ pot: 'children', amount: '20.00' }]);
    await post(t, `/v1/disbursements/${made.id}/approve`, w.checker, {}).expect(200);
    await post(t, `/v1/disbursements/${made.id}/paid`, w.checker, { paidOn: today }).expect(200);
  });
});
