import fs from 'node:fs';
import path from 'node:path';
import { AppError, ConflictError, problemBody } from '../../src/lib/errors';
import { PROBLEMS, problemType, type ProblemName } from '../../src/lib/problems';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bankBody, key, makeWorld, post, receipt, type World } from '../disbursements/support';

let t: TestApp;
let w: World;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '5000.00', source: 'fine' });
});
afterAll(async () => {
  await t.close();
});

describe('problem+json members', () => {
  it('keeps the HTTP status in `status` when a disbursement in the wrong state is marked paid', async () => {
    const requested = await post(t, '/v1/disbursements', w.maker, bankBody(w)).expect(201);
    const res = await post(t, `/v1/disbursements/${requested.body.id}/paid`, w.checker, {
      paidOn: today,
    }).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.status).toBe(409);
    expect(res.body.currentStatus).toBe('requested');
    expect(res.body.type).toBe(problemType('transition-not-allowed'));
  });

  it('gives a failed approval for lack of money its own type', async () => {
    const big = await post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '900000.00' })).expect(201);
    const res = await post(t, `/v1/disbursements/${big.body.id}/approve`, w.checker, {}, key()).expect(409);
    expect(res.body).toMatchObject({ status: 409, type: problemType('insufficient-funds') });
  });

  it('gives a reused Idempotency-Key its own type', async () => {
    const k = key();
    await post(t, '/v1/disbursements', w.maker, bankBody(w), k).expect(201);
    const res = await post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '101.00' }), k).expect(409);
    expect(res.body.type).toBe(problemType('idempotency-key-reused'));
  });

  it('never lets an extension overwrite type, title, status, detail or instance', () => {
    const err = new ConflictError('the real detail', {
      type: 'x',
      title: 'x',
      status: 'requested',
      detail: 'x',
      instance: 'x',
      currentStatus: 'requested',
    });
    expect(problemBody(err)).toEqual({
      type: 'https://redress.example/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'the real detail',
      currentStatus: 'requested',
    });
  });
});

describe('the error-type table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\|\s*`([a-z-]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])]),
  );

  it.each(Object.keys(PROBLEMS) as ProblemName[])('lists %s in the README with its status', (name) => {
    expect(rows.get(name)).toBe(PROBLEMS[name].status);
  });

  it('lists no type the service cannot emit', () => {
    for (const name of rows.keys()) expect(Object.keys(PROBLEMS)).toContain(name);
  });

  it.each(Object.keys(PROBLEMS) as ProblemName[])(
    '%s answers with its own status, title and type',
    (name) => {
      const body = problemBody(new AppError(name, 'd'));
      expect(body).toMatchObject({
        type: `https://redress.example/problems/${name}`,
        status: PROBLEMS[name].status,
      });
      expect(body.title).toBe(PROBLEMS[name].title);
    },
  );
});
