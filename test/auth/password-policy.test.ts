import request from 'supertest';
import { ensureBootstrapAdmin } from '../../src/auth/bootstrap';
import { passwordProblem } from '../../src/auth/password-policy';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** NIST SP 800-63B 5.1.1.2: no blank-ish, repetitive, common or breached passwords. */
let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, { role: 'admin' });
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const newUser = (password: string) =>
  request(t.app)
    .post('/v1/users')
    .set('Authorization', admin.authHeader)
    .send({ email: `staff-${++n}@test.example.org`, name: 'New Staff', password, role: 'auditor' });

describe('choosing a staff password', () => {
  it.each([
    ['twelve spaces', ' '.repeat(12)],
    ['spaces around a short word', '    abc     '],
    ['one character repeated', 'aaaaaaaaaaaaaaaa'],
    ['four characters repeated', 'abcdabcdabcd'],
    ['a breached password', 'password1234'],
    ['a breached password in other case', 'PassWord1234'],
    ['a common word with digits tacked on', 'sunshine20242025'],
    ['the service’s name', 'redress-2026!'],
  ])('refuses %s with a 400 naming the field', async (_what, password) => {
    const res = await newUser(password).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([{ path: 'password', message: expect.stringMatching(/^password /) }]),
    );
  });

  it('refuses a password built from the person’s e-mail address', async () => {
    const res = await request(t.app)
      .post('/v1/users')
      .set('Authorization', admin.authHeader)
      .send({
        email: 'somsak.k@test.example.org',
        name: 'Somsak',
        password: 'somsak.k!2026',
        role: 'auditor',
      })
      .expect(400);
    expect(res.body.errors[0].path).toBe('password');
  });

  it('takes a long passphrase', async () => {
    await newUser('violet kettle on the harbour wall').expect(201);
  });
});

describe('the rule beyond HTTP', () => {
  it('knows the bundled list (a few thousand entries)', () => {
    expect(passwordProblem('password1234')).toMatch(/too common/);
    expect(passwordProblem('qwertyuiop123')).toMatch(/too common/);
    expect(passwordProblem('violet kettle on the harbour wall')).toBeNull();
  });

  it('refuses to create the bootstrap admin with a common password', async () => {
    const weak = await createTestApp({
      REDRESS_ADMIN_EMAIL: 'boss@test.example.org',
      REDRESS_ADMIN_PASSWORD: 'password1234',
    });
    try {
      await expect(ensureBootstrapAdmin(weak.ctx)).rejects.toThrow(/REDRESS_ADMIN_PASSWORD is too common/);
      const admins = await weak.ctx.db.selectFrom('users').select('id').where('role', '=', 'admin').execute();
      expect(admins).toEqual([]);
    } finally {
      await weak.close();
    }
  });

  it('still lets existing accounts sign in (the rule applies when a password is chosen)', async () => {
    const old = await aUser(t, { role: 'auditor', password: 'password1234' });
    await request(t.app)
      .post('/v1/auth/login')
      .send({ email: old.email, password: old.password })
      .expect(200);
  });
});
