import request from 'supertest';
import { todayUtc } from '../../src/lib/dates';
import {
  ROUTES,
  ROUTE_MACHINES,
  allowedTargets,
  openStates,
  type Route,
  type TransitionRule,
} from '../../src/claims/route-machines';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { snapshot } from './support';
import { aFundWithMoney, aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';

let t: TestApp;
let worker: TestUser;
let fundAdmin: TestUser;
let fundId: string;
let victimId: string;

beforeAll(async () => {
  t = await createTestApp();
  worker = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'legal_aid', { direct: true }),
    direct: true,
  });
  fundAdmin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { direct: true }),
    direct: true,
  });
  fundId = await aFundWithMoney(t, fundAdmin, { currency: 'PHP' });
  victimId = (
    await request(t.app)
      .post('/v1/victims')
      .set('Authorization', worker.authHeader)
      .send(victimBody())
      .expect(201)
  ).body.id;
});
afterAll(async () => {
  await t.close();
});

const EXTRA: Record<Route, Record<string, unknown>> = {
  civil: {},
  labour: {},
  criminal: { mode: 'joined_civil_claim' },
  state_fund: {},
};

// One victim per route: a State-fund decision is offset by what other routes paid the same victim.
const victims: Partial<Record<Route, string>> = {};

async function victimFor(route: Route): Promise<string> {
  if (route === 'civil') return victimId;
  victims[route] ??= (
    await request(t.app)
      .post('/v1/victims')
      .set('Authorization', worker.authHeader)
      .send(victimBody({ identityDocuments: [] }))
      .expect(201)
  ).body.id as string;
  return victims[route];
}

async function newClaim(route: Route): Promise<string> {
  const res = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({
      victimId: await victimFor(route),
      route,
      ...EXTRA[route],
      ...(route === 'state_fund' ? { fundId } : {}),
      jurisdiction: 'PH',
      currency: 'PHP',
      heads: [{ head: 'medical_expenses', amount: '1000.00' }],
    });
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
  expect(res.body.status).toBe(ROUTE_MACHINES[route].initial);
  expect(res.body.allowedTransitions).toEqual(allowedTargets(route, ROUTE_MACHINES[route].initial));
  return res.body.id as string;
}

/** Shortest path of transitions from the initial state to `target`, over the data. */
function pathTo(route: Route, target: string): TransitionRule[] {
  const m = ROUTE_MACHINES[route];
  const prev = new Map<string, TransitionRule | null>([[m.initial, null]]);
  const queue = [m.initial];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const tr of m.transitions.filter((x) => x.from === s && !prev.has(x.to))) {
      prev.set(tr.to, tr);
      queue.push(tr.to);
    }
  }
  const path: TransitionRule[] = [];
  for (let s = target; prev.get(s); s = prev.get(s)!.from) path.unshift(prev.get(s)!);
  return path;
}

async function perform(route: Route, id: string, tr: TransitionRule) {
  const by = tr.by[0] === 'fund_admin' ? fundAdmin : worker;
  if (tr.requires.includes('fully_paid')) {
    // The payment that completes the award moves the claim to its paid state by itself.
    const paid = await request(t.app)
      .post(`/v1/claims/${id}/payments-received`)
      .set('Authorization', by.authHeader)
      .set('Idempotency-Key', `pay-${id}`)
      .send({
        head: 'medical_expenses',
        amount: '1000.00',
        receivedOn: todayUtc(),
        payer: route === 'state_fund' ? 'fund' : 'perpetrator',
        paidTo: 'victim',
      })
      .expect(201);
    expect([route, tr.from, paid.body.claim.status]).toEqual([route, tr.from, tr.to]);
    expect(paid.body.claim.history.at(-1)).toMatchObject({ from: tr.from, to: tr.to, by: 'system' });
    return paid.body.claim;
  }
  const res = await request(t.app)
    .post(`/v1/claims/${id}/transitions`)
    .set('Authorization', by.authHeader)
    .send({
      to: tr.to,
      ...(tr.requires.includes('reason') ? { note: `reason for ${tr.to}` } : {}),
      ...(tr.requires.includes('award')
        ? { award: { heads: [{ head: 'medical_expenses', amount: '1000.00' }] } }
        : {}),
    });
  expect([route, tr.from, tr.to, res.status, res.body.detail]).toEqual([
    route,
    tr.from,
    tr.to,
    200,
    undefined,
  ]);
  expect(res.body.status).toBe(tr.to);
  expect(res.body.allowedTransitions).toEqual(allowedTargets(route, tr.to));
  return res.body;
}

describe.each(ROUTES)('every allowed %s transition over HTTP', (route) => {
  it('succeeds, and is kept in the history with who and when', async () => {
    for (const tr of ROUTE_MACHINES[route].transitions) {
      const id = await newClaim(route);
      for (const step of pathTo(route, tr.from)) await perform(route, id, step);
      const body = await perform(route, id, tr);
      const last = body.history.at(-1);
      expect(last).toMatchObject({
        from: tr.from,
        to: tr.to,
        occurredOn: todayUtc(),
        by: tr.requires.includes('fully_paid')
          ? 'system'
          : tr.by[0] === 'fund_admin'
            ? fundAdmin.id
            : worker.id,
      });
      expect(body.history).toHaveLength(pathTo(route, tr.from).length + 2);
    }
  });

  it('lets the victim withdraw from every open state', async () => {
    expect(openStates(route).length).toBeGreaterThan(2);
    for (const state of openStates(route)) {
      const id = await newClaim(route);
      for (const step of pathTo(route, state)) await perform(route, id, step);
      const res = await request(t.app)
        .post(`/v1/claims/${id}/transitions`)
        .set('Authorization', worker.authHeader)
        .send({ to: 'withdrawn', note: 'The victim chose to stop' })
        .expect(200);
      expect([state, res.body.status, res.body.allowedTransitions]).toEqual([state, 'withdrawn', ['closed']]);
    }
  });
});

describe('forbidden transitions', () => {
  it.each([
    ['civil', 'judgment'],
    ['civil', 'closed'],
    ['labour', 'paid'],
    ['criminal', 'conviction'],
    ['state_fund', 'decided'],
  ] as Array<[Route, string]>)(
    'refuses a %s claim jumping to %s with 409 naming the allowed moves',
    async (route, to) => {
      const id = await newClaim(route);
      const before = await snapshot(t);
      const res = await request(t.app)
        .post(`/v1/claims/${id}/transitions`)
        .set('Authorization', route === 'state_fund' ? fundAdmin.authHeader : worker.authHeader)
        .send({ to, award: { heads: [{ head: 'medical_expenses', amount: '1.00' }] } })
        .expect(409);
      const allowed = allowedTargets(route, ROUTE_MACHINES[route].initial);
      expect(res.body.allowedTransitions).toEqual(allowed);
      for (const name of allowed) expect(res.body.detail).toContain(name);
      expect(await snapshot(t)).toEqual(before);
    },
  );

  it('refuses every move out of closed, saying none is allowed', async () => {
    const id = await newClaim('civil');
    await perform('civil', id, { from: 'filed', to: 'withdrawn', requires: ['reason'], by: ['legal_aid'] });
    await perform('civil', id, { from: 'withdrawn', to: 'closed', requires: [], by: ['legal_aid'] });
    const res = await request(t.app)
      .post(`/v1/claims/${id}/transitions`)
      .set('Authorization', worker.authHeader)
      .send({ to: 'filed' })
      .expect(409);
    expect(res.body).toMatchObject({ allowedTransitions: [], detail: expect.stringContaining('none') });
  });

  it('answers 400 for a state that is not on the route, and 403 when the role may not record the move', async () => {
    const id = await newClaim('state_fund');
    const before = await snapshot(t);
    const bad = await request(t.app)
      .post(`/v1/claims/${id}/transitions`)
      .set('Authorization', worker.authHeader)
      .send({ to: 'conviction' })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'to' });
    await request(t.app)
      .post(`/v1/claims/${id}/transitions`)
      .set('Authorization', worker.authHeader)
      .send({ to: 'eligibility_review' })
      .expect(403);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('what a transition requires', () => {
  let civil: string;
  let payable: string;
  beforeAll(async () => {
    civil = await newClaim('civil');
    await perform('civil', civil, { from: 'filed', to: 'hearing', requires: [], by: ['legal_aid'] });
    payable = await newClaim('civil');
    for (const step of pathTo('civil', 'judgment')) await perform('civil', payable, step);
  });

  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['a judgment without an award', { to: 'judgment' }, 400, 'award'],
    [
      'an award for a head that was not claimed',
      { to: 'judgment', award: { heads: [{ head: 'legal_fees', amount: '5.00' }] } },
      400,
      'award.heads[0].head',
    ],
    [
      'an unknown head',
      { to: 'judgment', award: { heads: [{ head: 'gambling_losses', amount: '5.00' }] } },
      400,
      'award.heads[0].head',
    ],
    [
      'a negative award',
      { to: 'judgment', award: { heads: [{ head: 'medical_expenses', amount: '-5.00' }] } },
      400,
      'award.heads[0].amount',
    ],
    [
      'an award with more decimals than PHP has',
      { to: 'judgment', award: { heads: [{ head: 'medical_expenses', amount: '5.001' }] } },
      400,
      'award.heads[0].amount',
    ],
    [
      'an award as a JSON number',
      { to: 'judgment', award: { heads: [{ head: 'medical_expenses', amount: 5 }] } },
      400,
      'award.heads[0].amount',
    ],
    [
      'an award in another currency',
      { to: 'judgment', award: { currency: 'THB', heads: [{ head: 'medical_expenses', amount: '5.00' }] } },
      400,
      'award.currency',
    ],
    ['a dismissal without a reason', { to: 'dismissed' }, 400, 'note'],
    ['a withdrawal with a blank reason', { to: 'withdrawn', note: '   ' }, 400, 'note'],
    [
      'an award on a move that takes none',
      { to: 'withdrawn', note: 'x', award: { heads: [{ head: 'medical_expenses', amount: '1.00' }] } },
      400,
      'award',
    ],
    ['a date in the future', { to: 'dismissed', note: 'x', occurredOn: '2999-01-01' }, 400, 'occurredOn'],
    [
      'a date before the current status began',
      { to: 'dismissed', note: 'x', occurredOn: '2000-01-01' },
      400,
      'occurredOn',
    ],
    ['an unknown field', { to: 'dismissed', note: 'x', judge: 'Smith' }, 400, 'judge'],
  ];

  it.each(cases)('refuses %s, writing nothing', async (_name, body, status, path) => {
    const before = await snapshot(t);
    const res = await request(t.app)
      .post(`/v1/claims/${civil}/transitions`)
      .set('Authorization', worker.authHeader)
      .send(body)
      .expect(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses paid while the award is outstanding, and an award below what was already received', async () => {
    const before = await snapshot(t);
    const res = await request(t.app)
      .post(`/v1/claims/${payable}/transitions`)
      .set('Authorization', worker.authHeader)
      .send({ to: 'paid' })
      .expect(409);
    expect(res.body.detail).toMatch(/1000\.00 of the award is still outstanding/);
    expect(await snapshot(t)).toEqual(before);
    await request(t.app)
      .post(`/v1/claims/${payable}/payments-received`)
      .set('Authorization', worker.authHeader)
      .set('Idempotency-Key', `pay-${payable}`)
      .send({
        head: 'medical_expenses',
        amount: '600.00',
        receivedOn: todayUtc(),
        payer: 'perpetrator',
        paidTo: 'victim',
      })
      .expect(201);
    await perform('civil', payable, { from: 'judgment', to: 'appeal', requires: [], by: ['legal_aid'] });
    const mid = await snapshot(t);
    const lower = await request(t.app)
      .post(`/v1/claims/${payable}/transitions`)
      .set('Authorization', worker.authHeader)
      .send({ to: 'judgment', award: { heads: [{ head: 'medical_expenses', amount: '500.00' }] } })
      .expect(409);
    expect(lower.body.detail).toMatch(/600\.00 was already received/);
    await request(t.app)
      .post(`/v1/claims/${payable}/transitions`)
      .set('Authorization', worker.authHeader)
      .send({ to: 'dismissed', note: 'lost on appeal' })
      .expect(409);
    expect(await snapshot(t)).toEqual(mid);
  });
});
