import crypto from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { snapshot } from './support';
import { aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';

/**
 * Every date that follows another is checked: a 400 `dates-out-of-order` whose `errors` names
 * the field and the date it must follow, and nothing is written.
 */
let t: TestApp;
let worker: TestUser;
let victimId: string;

beforeAll(async () => {
  t = await createTestApp();
  worker = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'legal_aid', { direct: true }),
    direct: true,
  });
  victimId = (await send('post', '/v1/victims', victimBody()).expect(201)).body.id; // born 1994-03-17
});
afterAll(async () => {
  await t.close();
});

// Every money endpoint needs an Idempotency-Key; a fresh one per request.
function send(method: 'post' | 'patch', path: string, body: object) {
  const r = request(t.app);
  return r[method](path)
    .set('Authorization', worker.authHeader)
    .set('Idempotency-Key', crypto.randomUUID())
    .send(body);
}

const civilBody = (over: Record<string, unknown> = {}) => ({
  victimId,
  route: 'civil',
  jurisdiction: 'TH',
  currency: 'THB',
  heads: [{ head: 'lost_opportunities', amount: '1000.00' }],
  filedOn: '2025-06-01',
  causeOfActionOn: '2025-03-10',
  ...over,
});

/** Sends a request that must be refused as dates out of order, and checks that nothing changed. */
async function refused(
  method: 'post' | 'patch',
  path: string,
  body: object,
  field: string,
  otherDate: string,
) {
  const before = await snapshot(t);
  const res = await send(method, path, body).expect(400);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.type).toBe('https://redress.example/problems/dates-out-of-order');
  expect(res.body.errors).toEqual([{ path: field, message: expect.stringContaining(`(${otherDate})`) }]);
  expect(res.body.errors[0].message).toMatch(/^must not be (before|after) /);
  expect(await snapshot(t)).toEqual(before);
  return res.body;
}

async function newClaim(over: Record<string, unknown> = {}): Promise<string> {
  return (await send('post', '/v1/claims', civilBody(over)).expect(201)).body.id;
}

describe('filing a claim', () => {
  it("refuses a filing date before the victim's birth", async () => {
    const body = civilBody({ filedOn: '1990-01-01', causeOfActionOn: undefined });
    const problem = await refused('post', '/v1/claims', body, 'filedOn', '1994-03-17');
    expect(problem.errors[0].message).toBe(
      "must not be before the victim's birth (dateOfBirth) (1994-03-17)",
    );
  });

  it("refuses a cause of action before the victim's birth", async () => {
    await refused(
      'post',
      '/v1/claims',
      civilBody({ causeOfActionOn: '1990-05-05' }),
      'causeOfActionOn',
      '1994-03-17',
    );
  });

  it('refuses a cause of action after the filing', async () => {
    const problem = await refused(
      'post',
      '/v1/claims',
      civilBody({ causeOfActionOn: '2025-07-01' }),
      'causeOfActionOn',
      '2025-06-01',
    );
    expect(problem.detail).toContain('2025-07-01');
  });
});

describe('moving a claim', () => {
  let claimId: string;
  beforeAll(async () => {
    claimId = await newClaim();
  });
  const move = () => `/v1/claims/${claimId}/transitions`;

  it('refuses a move dated before the filing, naming the filing date', async () => {
    const problem = await refused(
      'post',
      move(),
      { to: 'hearing', occurredOn: '2025-05-01' },
      'occurredOn',
      '2025-06-01',
    );
    expect(problem.errors[0].message).toContain('filing');
  });

  it('refuses a hearing scheduled before the move to the hearing stage', async () => {
    await refused(
      'post',
      move(),
      { to: 'hearing', occurredOn: '2025-07-01', hearingOn: '2025-06-20' },
      'hearingOn',
      '2025-07-01',
    );
  });

  it('refuses a move dated before the previous move, naming its date', async () => {
    await send('post', move(), { to: 'hearing', occurredOn: '2025-07-01', hearingOn: '2025-08-01' }).expect(
      200,
    );
    const problem = await refused(
      'post',
      move(),
      { to: 'dismissed', note: 'Struck out', occurredOn: '2025-06-15' },
      'occurredOn',
      '2025-07-01',
    );
    expect(problem.errors[0].message).toContain("'hearing'");
  });

  it('still refuses a move dated in the future as invalid input (it has not happened)', async () => {
    const res = await send('post', move(), { to: 'dismissed', note: 'x', occurredOn: '2999-01-01' }).expect(
      400,
    );
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
  });
});

describe('money received on a claim', () => {
  it('refuses money received before the claim was filed, naming the filing date', async () => {
    const claimId = await newClaim();
    await send('post', `/v1/claims/${claimId}/transitions`, {
      to: 'hearing',
      occurredOn: '2025-07-01',
    }).expect(200);
    await send('post', `/v1/claims/${claimId}/transitions`, {
      to: 'judgment',
      occurredOn: '2025-08-01',
      award: { heads: [{ head: 'lost_opportunities', amount: '1000.00' }] },
    }).expect(200);
    await refused(
      'post',
      `/v1/claims/${claimId}/payments-received`,
      {
        amount: '100.00',
        head: 'lost_opportunities',
        receivedOn: '2025-05-31',
        payer: 'perpetrator',
        paidTo: 'victim',
      },
      'receivedOn',
      '2025-06-01',
    );
  });
});

describe('victims', () => {
  it('refuses an identification before the birth', async () => {
    await refused(
      'post',
      '/v1/victims',
      victimBody({ identifiedOn: '1990-01-01' }),
      'identifiedOn',
      '1994-03-17',
    );
  });

  it('refuses a corrected birth date after the identification', async () => {
    await refused(
      'patch',
      `/v1/victims/${victimId}`,
      { dateOfBirth: '2025-02-01' },
      'dateOfBirth',
      '2025-01-10',
    );
  });

  it("refuses a corrected birth date after a claim's cause of action", async () => {
    const unidentified = (
      await send(
        'post',
        '/v1/victims',
        victimBody({ jurisdiction: undefined, identifiedOn: undefined }),
      ).expect(201)
    ).body.id;
    await send('post', '/v1/claims', civilBody({ victimId: unidentified })).expect(201);
    await refused(
      'patch',
      `/v1/victims/${unidentified}`,
      { dateOfBirth: '2025-04-01' },
      'dateOfBirth',
      '2025-03-10',
    );
  });

  it('refuses a birth date in the future as invalid input', async () => {
    const res = await send('post', '/v1/victims', victimBody({ dateOfBirth: '2999-01-01' })).expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
  });
});

describe('the wage calculator', () => {
  const body = {
    jurisdiction: 'TH',
    currency: 'THB',
    calculateOn: '2024-12-31',
    wage: { amount: '400.00', per: 'day' },
    periods: [{ from: '2024-01-01', to: '2024-01-31', daysWorked: 26 }],
  };

  it('refuses a period that ends before it starts', async () => {
    await refused(
      'post',
      '/v1/claims/calculate-wages',
      { ...body, periods: [{ from: '2024-02-01', to: '2024-01-01', daysWorked: 1 }] },
      'periods[0].to',
      '2024-02-01',
    );
  });

  it('refuses a payment after the calculation date', async () => {
    await refused(
      'post',
      '/v1/claims/calculate-wages',
      { ...body, calculateOn: '2024-06-30', payments: [{ paidOn: '2024-07-01', amount: '10.00' }] },
      'payments[0].paidOn',
      '2024-06-30',
    );
  });
});
