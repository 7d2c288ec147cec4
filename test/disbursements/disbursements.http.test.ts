import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  bankBody,
  footprint,
  get,
  key,
  makeWorld,
  pots,
  post,
  receipt,
  requested,
  VICTIM_NAME,
  type World,
} from './support';

let t: TestApp;
let w: World;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '1000.00', source: 'donation', pot: 'medical', donor: 'Clinic foundation' });
  await receipt(t, w, { amount: '5000.00', source: 'fine' });
});
afterAll(async () => {
  await t.close();
});

const approve = (id: string, by = w.checker, k = key()) =>
  post(t, `/v1/disbursements/${id}/approve`, by, {}, k);
const paid = (id: string, by = w.checker, k = key()) =>
  post(t, `/v1/disbursements/${id}/paid`, by, { paidOn: today, externalReference: 'BANK-778812' }, k);

describe('requesting a disbursement', () => {
  it('answers 201 "requested" with a neutral payment reference and keeps the payee encrypted', async () => {
    const res = await post(t, '/v1/disbursements', w.maker, bankBody(w, { claimId: w.claimId })).expect(201);
    expect(res.body).toMatchObject({
      status: 'requested',
      fundId: w.fundId,
      victimId: w.victimId,
      claimId: w.claimId,
      purpose: 'medical',
      amount: '100.00',
      currency: 'THB',
      channel: 'bank_transfer',
      payeeOnFile: true,
      rationale: 'Hospital invoice for treatment after rescue',
      approvalsRequired: 1,
      approvals: [],
      pot: null,
      requestedBy: w.maker.id,
    });
    expect(JSON.stringify(res.body)).not.toContain('123-4-56789-0');
    const row = await t.ctx.db
      .selectFrom('disbursements')
      .select(['payee_enc', 'amount'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.amount).toBe('10000');
    expect(row.payee_enc).not.toContain('123-4-56789-0');
    expect(row.payee_enc).not.toContain('Thandar');
    expect(JSON.parse(t.ctx.cipher.decrypt('disbursements.payee', row.payee_enc!))).toMatchObject({
      accountNumber: '123-4-56789-0',
    });
  });

  it('never puts "trafficking", "victim", a name or a case reference into the payment reference or ledger', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await requested(t, w, { amount: '1.00', purpose: 'accommodation' });
      await approve(id).expect(200);
      const res = await paid(id).expect(200);
      refs.push(res.body.paymentReference);
    }
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['description', 'metadata']).execute();
    const outgoing = [...refs, ...entries.map((e) => `${e.description} ${JSON.stringify(e.metadata)}`)];
    for (const text of outgoing) {
      expect(text).not.toMatch(/traffick|victim|Mya|Thandar|Win\b/i);
      expect(text).not.toContain(w.victimReference);
    }
    for (const ref of refs) expect(ref).toMatch(/^PAY-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{10}$/);
    expect(new Set(refs).size).toBe(5);
  });

  it('takes cash without payee details and a partner organization with its own', async () => {
    const cash = await post(
      t,
      '/v1/disbursements',
      w.maker,
      bankBody(w, { channel: 'cash', payee: undefined }),
    ).expect(201);
    expect(cash.body).toMatchObject({ channel: 'cash', payeeOnFile: false });
    const partner = await post(
      t,
      '/v1/disbursements',
      w.maker,
      bankBody(w, {
        channel: 'partner_organization',
        payee: { organizationName: 'Home-country shelter', country: 'MM', onwardChannel: 'mobile_money' },
      }),
    ).expect(201);
    expect(partner.body).toMatchObject({ channel: 'partner_organization', payeeOnFile: true });
  });

  it('replays a request with the same key and refuses the key with another body', async () => {
    const k = key();
    const first = await post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '7.00' }), k).expect(201);
    const before = await footprint(t);
    const again = await post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '7.00' }), k).expect(201);
    expect(again.body).toEqual(first.body);
    expect(await footprint(t)).toEqual(before);
    await post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '8.00' }), k).expect(409);
    expect(await footprint(t)).toEqual(before);
  });

  it('lets an administrator read the payee details (audited) and never an auditor', async () => {
    const id = await requested(t, w);
    const mine = await get(t, `/v1/disbursements/${id}`, w.checker).expect(200);
    expect(mine.body.payee).toEqual({
      accountName: VICTIM_NAME,
      accountNumber: '123-4-56789-0',
      bankName: 'Kasikornbank',
      country: 'TH',
    });
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('resource_id', '=', id)
      .execute();
    expect(events.map((e) => e.action).sort()).toEqual(['disbursement.read_payee', 'disbursement.request']);
    expect(JSON.stringify(events)).not.toContain('56789');
    const audited = await get(t, `/v1/disbursements/${id}`, w.auditor).expect(200);
    expect(audited.body.payee).toBeNull();
    await get(t, `/v1/disbursements/${id}`, w.outsider).expect(404);
    await get(t, `/v1/disbursements/${id}`, w.worker).expect(403);
  });

  it('hides the victim and the fund of another agency behind 404, writing nothing', async () => {
    const before = await footprint(t);
    await post(t, '/v1/disbursements', w.outsider, bankBody(w)).expect(404);
    await post(t, '/v1/disbursements', w.auditor, bankBody(w)).expect(403);
    expect(await footprint(t)).toEqual(before);
  });
});

describe('maker-checker', () => {
  it('refuses the requester approving their own request with 403, reserving nothing', async () => {
    const id = await requested(t, w);
    const before = await footprint(t);
    const res = await approve(id, w.maker).expect(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/requester/);
    expect(await footprint(t)).toEqual(before);
  });

  it('reserves from the restricted pot that allows the purpose before unrestricted money', async () => {
    const before = await pots(t, w);
    const id = await requested(t, w, { amount: '300.00' });
    const res = await approve(id).expect(200);
    expect(res.body).toMatchObject({ status: 'approved', pot: 'medical' });
    const after = await pots(t, w);
    const minor = (s: string) => BigInt(s.replace('.', ''));
    expect(minor(after.medical!.pending) - minor(before.medical!.pending)).toBe(30000n);
    expect(after.medical!.posted).toBe(before.medical!.posted);
    expect(after.unrestricted).toEqual(before.unrestricted);
    for (const p of Object.values(after)) expect(minor(p.available)).toBe(minor(p.posted) - minor(p.pending));
    await post(t, `/v1/disbursements/${id}/failed`, w.checker, { reason: 'Account closed' }).expect(200);
    expect(await pots(t, w)).toEqual(before);
  });

  it('falls back to unrestricted money when no restricted pot allows the purpose', async () => {
    const id = await requested(t, w, { purpose: 'education', amount: '10.00' });
    const res = await approve(id).expect(200);
    expect(res.body.pot).toBe('unrestricted');
    await post(t, `/v1/disbursements/${id}/reject`, w.checker, { reason: 'Duplicate' }).expect(200);
  });

  it('answers 409 naming the purpose when no pot that allows it has the money', async () => {
    const id = await requested(t, w, { purpose: 'livelihood', amount: '999999.00' });
    const before = await footprint(t);
    const res = await approve(id).expect(409);
    expect(res.body.detail).toMatch(/no pot that allows the purpose "livelihood" has 999999\.00 THB/);
    expect(await footprint(t)).toEqual(before);
  });

  it('follows the pot order the fund sets', async () => {
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/disbursement-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({ potOrder: ['unrestricted', 'medical'] })
      .expect(200, { fundId: w.fundId, potOrder: ['unrestricted', 'medical'], approvalThresholds: [] });
    const id = await requested(t, w, { amount: '5.00' });
    expect((await approve(id).expect(200)).body.pot).toBe('unrestricted');
    await post(t, `/v1/disbursements/${id}/reject`, w.checker, { reason: 'Test' }).expect(200);
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/disbursement-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({})
      .expect(200);
  });

  it('needs a second, different approver above the fund threshold, and only then reserves', async () => {
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/disbursement-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({ approvalThresholds: [{ currency: 'THB', above: '200.00' }] })
      .expect(200);
    expect((await get(t, `/v1/funds/${w.fundId}/disbursement-policy`, w.auditor).expect(200)).body).toEqual({
      fundId: w.fundId,
      potOrder: [],
      approvalThresholds: [{ currency: 'THB', above: '200.00' }],
    });
    const atThreshold = await requested(t, w, { amount: '200.00' });
    expect((await approve(atThreshold).expect(200)).body.status).toBe('approved');
    await post(t, `/v1/disbursements/${atThreshold}/reject`, w.checker, { reason: 'Test' }).expect(200);

    const id = await requested(t, w, { amount: '200.01' });
    const before = await pots(t, w);
    const first = await approve(id).expect(200);
    expect(first.body).toMatchObject({ status: 'requested', approvalsRequired: 2, reservationId: null });
    expect(first.body.approvals).toHaveLength(1);
    expect(await pots(t, w)).toEqual(before);
    const again = await approve(id).expect(409);
    expect(again.body.detail).toMatch(/different approver/);
    await approve(id, w.maker).expect(403);
    const second = await approve(id, w.checker2).expect(200);
    expect(second.body).toMatchObject({ status: 'approved', pot: 'medical' });
    expect((await pots(t, w)).medical!.pending).not.toBe(before.medical!.pending);
    await post(t, `/v1/disbursements/${id}/failed`, w.checker, { reason: 'Test' }).expect(200);
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/disbursement-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({})
      .expect(200);
  });
});

describe('a threshold set after the request', () => {
  it('still needs the second approver when the amount is above it at approval time', async () => {
    const id = await requested(t, w, { amount: '500.00' });
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/disbursement-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({ approvalThresholds: [{ currency: 'THB', above: '499.99' }] })
      .expect(200);
    const first = await approve(id).expect(200);
    expect(first.body).toMatchObject({ status: 'requested', approvalsRequired: 2, reservationId: null });
    expect((await approve(id, w.checker2).expect(200)).body.status).toBe('approved');
    await post(t, `/v1/disbursements/${id}/reject`, w.checker, { reason: 'Test' }).expect(200);
    await request(t.app)
      .put(`/v1/funds/${w.fundId}/disbursement-policy`)
      .set('Authorization', w.maker.authHeader)
      .send({})
      .expect(200);
  });
});

describe('idempotency and the life of a payment', () => {
  it('replays approve and paid with the same key without a second effect', async () => {
    const id = await requested(t, w, { amount: '40.00' });
    const k1 = key();
    const a1 = await approve(id, w.checker, k1).expect(200);
    const mid = await footprint(t);
    const a2 = await approve(id, w.checker, k1).expect(200);
    expect(a2.headers['idempotent-replayed']).toBe('true');
    expect(a2.body).toEqual(a1.body);
    expect(await footprint(t)).toEqual(mid);

    const k2 = key();
    const p1 = await paid(id, w.checker, k2).expect(200);
    expect(p1.body).toMatchObject({ status: 'paid', paidOn: today, externalReference: 'BANK-778812' });
    const done = await footprint(t);
    const balances = await pots(t, w);
    const p2 = await paid(id, w.checker, k2).expect(200);
    expect(p2.body).toEqual(p1.body);
    expect(await footprint(t)).toEqual(done);
    expect(await pots(t, w)).toEqual(balances);

    const other = await paid(id, w.checker).expect(409);
    expect(other.body.detail).toMatch(/paid/);
    await approve(id, w.checker2).expect(409);
    await post(t, `/v1/disbursements/${id}/failed`, w.checker, { reason: 'x' }).expect(409);
    await post(t, `/v1/disbursements/${id}/reject`, w.checker, { reason: 'x' }).expect(409);
    expect(await footprint(t)).toEqual(done);
  });

  it('posts the reserved money when paid: the pot and the bank go down by the amount', async () => {
    const before = await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200);
    const id = await requested(t, w, { amount: '12.34' });
    await approve(id).expect(200);
    await paid(id).expect(200);
    const after = await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200);
    const minor = (s: string) => BigInt(s.replace('.', ''));
    expect(minor(before.body.bankAndCash) - minor(after.body.bankAndCash)).toBe(1234n);
    const med = (b: any) => b.pots.find((p: any) => p.code === 'medical');
    expect(minor(med(before.body).posted) - minor(med(after.body).posted)).toBe(1234n);
    expect(med(after.body).pending).toBe(med(before.body).pending);
  });

  it('refuses paid before approval and failed after rejection with 409', async () => {
    const id = await requested(t, w);
    await paid(id).expect(409);
    await post(t, `/v1/disbursements/${id}/failed`, w.checker, { reason: 'x' }).expect(409);
    await post(t, `/v1/disbursements/${id}/reject`, w.maker, { reason: 'Withdrawn by the maker' }).expect(
      200,
    );
    await approve(id).expect(409);
  });
});

describe('bad input', () => {
  const cases: Array<[string, () => request.Test]> = [
    ['no rationale', () => post(t, '/v1/disbursements', w.maker, { ...bankBody(w), rationale: undefined })],
    ['a blank rationale', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { rationale: '   ' }))],
    ['a JSON number amount', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: 100 }))],
    ['too many decimals', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '1.001' }))],
    ['a zero amount', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { amount: '0.00' }))],
    ['an unknown currency', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { currency: 'XYZ' }))],
    [
      'a currency the fund does not hold',
      () => post(t, '/v1/disbursements', w.maker, bankBody(w, { currency: 'USD' })),
    ],
    ['an unknown purpose', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { purpose: 'bribe' }))],
    ['an unknown channel', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { channel: 'crypto' }))],
    [
      'a bank transfer without payee',
      () => post(t, '/v1/disbursements', w.maker, bankBody(w, { payee: undefined })),
    ],
    [
      'a payee of the wrong shape',
      () =>
        post(
          t,
          '/v1/disbursements',
          w.maker,
          bankBody(w, { payee: { provider: 'TrueMoney', phoneNumber: '+66812345678' } }),
        ),
    ],
    ['an unknown field', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { tip: 'x' }))],
    [
      'a pot that does not allow the purpose',
      () => post(t, '/v1/disbursements', w.maker, bankBody(w, { pot: 'medical', purpose: 'legal' })),
    ],
    ['the reserved pot', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { pot: 'reserved' }))],
    ['an unknown pot', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { pot: 'nope' }))],
    ['a bad fund id', () => post(t, '/v1/disbursements', w.maker, bankBody(w, { fundId: 'x' }))],
    ['no Idempotency-Key', () => post(t, '/v1/disbursements', w.maker, bankBody(w), null)],
    [
      'a claim of another fund',
      () =>
        post(
          t,
          '/v1/disbursements',
          w.maker,
          bankBody(w, { claimId: '00000000-0000-4000-8000-000000000000' }),
        ),
    ],
    ['approve: a bad id', () => post(t, '/v1/disbursements/x/approve', w.checker, {})],
    [
      'approve: a body',
      () =>
        post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/approve', w.checker, { force: true }),
    ],
    [
      'approve: no key',
      () => post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/approve', w.checker, {}, null),
    ],
    [
      'approve: unknown id',
      () => post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/approve', w.checker, {}),
    ],
    [
      'paid: no paidOn',
      () => post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/paid', w.checker, {}),
    ],
    [
      'paid: a bad date',
      () =>
        post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/paid', w.checker, {
          paidOn: '2026-02-30',
        }),
    ],
    [
      'paid: a date in the future',
      () =>
        post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/paid', w.checker, {
          paidOn: '2999-01-01',
        }),
    ],
    [
      'paid: unknown id',
      () =>
        post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/paid', w.checker, { paidOn: today }),
    ],
    [
      'reject: no reason',
      () => post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/reject', w.checker, {}),
    ],
    [
      'failed: an empty reason',
      () =>
        post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/failed', w.checker, { reason: '' }),
    ],
    [
      'failed: unknown id',
      () =>
        post(t, '/v1/disbursements/00000000-0000-4000-8000-000000000000/failed', w.checker, { reason: 'x' }),
    ],
    ['get: a bad id', () => get(t, '/v1/disbursements/123', w.checker)],
    [
      'policy: a pot that is not drawn automatically',
      () =>
        request(t.app)
          .put(`/v1/funds/${w.fundId}/disbursement-policy`)
          .set('Authorization', w.maker.authHeader)
          .send({ potOrder: ['reserved'] }),
    ],
    [
      'policy: a threshold as a number',
      () =>
        request(t.app)
          .put(`/v1/funds/${w.fundId}/disbursement-policy`)
          .set('Authorization', w.maker.authHeader)
          .send({ approvalThresholds: [{ currency: 'THB', above: 5 }] }),
    ],
    [
      'policy: a currency the fund does not hold',
      () =>
        request(t.app)
          .put(`/v1/funds/${w.fundId}/disbursement-policy`)
          .set('Authorization', w.maker.authHeader)
          .send({ approvalThresholds: [{ currency: 'USD', above: '5.00' }] }),
    ],
    ['policy: a bad fund id', () => get(t, '/v1/funds/nope/disbursement-policy', w.maker)],
    [
      'policy: a fund of another agency',
      () => get(t, `/v1/funds/${w.fundId}/disbursement-policy`, w.outsider),
    ],
    [
      'register: a bad format',
      () => get(t, `/v1/victims/${w.victimId}/witness-assistance?format=xml`, w.maker),
    ],
    ['register: a bad id', () => get(t, '/v1/victims/nope/witness-assistance', w.maker)],
  ];

  it.each(cases)('answers 4xx problem+json for %s and writes nothing', async (_name, send) => {
    const before = await footprint(t);
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: res.status,
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(await footprint(t)).toEqual(before);
  });

  it('names the missing rationale in the 400', async () => {
    const res = await post(t, '/v1/disbursements', w.maker, { ...bankBody(w), rationale: undefined }).expect(
      400,
    );
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'rationale' })]);
  });
});

describe('listing', () => {
  it('pages through the funds in reach newest first, filtered by status', async () => {
    const all = await t.ctx.db
      .selectFrom('disbursements')
      .select(['id', 'status'])
      .where('fund_id', '=', w.fundId)
      .execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/v1/disbursements?fundId=${w.fundId}&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await get(t, q, w.checker).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.items.map((i: any) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen.length).toBe(all.length);
    expect(new Set(seen)).toEqual(new Set(all.map((d) => d.id)));
    expect(all.length).toBeGreaterThan(7);

    const paidOnly = await get(
      t,
      `/v1/disbursements?fundId=${w.fundId}&status=paid&limit=500`,
      w.auditor,
    ).expect(200);
    expect(paidOnly.body.items.map((i: any) => i.id).sort()).toEqual(
      all
        .filter((d) => d.status === 'paid')
        .map((d) => d.id)
        .sort(),
    );
    expect(paidOnly.body.items.every((i: any) => i.status === 'paid' && !('payee' in i))).toBe(true);
    expect((await get(t, '/v1/disbursements', w.outsider).expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    await get(t, '/v1/disbursements?cursor=bm9wZQ', w.checker).expect(400);
    await get(t, '/v1/disbursements?status=lost', w.checker).expect(400);
    await get(t, '/v1/disbursements', w.worker).expect(403);
  });
});

describe('defence in depth and documentation', () => {
  it('refuses in PostgreSQL an approval recorded for the requester, whatever the code does', async () => {
    const id = await requested(t, w);
    await expect(
      t.ctx.db
        .insertInto('disbursement_approvals')
        .values({ disbursement_id: id, approver_id: w.maker.id })
        .execute(),
    ).rejects.toMatchObject({ code: 'RD001' });
  });

  it('documents every disbursement endpoint in OpenAPI, the ★ ones with Idempotency-Key', async () => {
    const spec = (await request(t.app).get('/openapi.json').expect(200)).body;
    const params = (path: string, method: string) =>
      (spec.paths[path][method].parameters as Array<{ name: string }>).map((p) => p.name);
    expect(params('/v1/disbursements', 'post')).toContain('Idempotency-Key');
    expect(params('/v1/disbursements/{id}/approve', 'post')).toContain('Idempotency-Key');
    expect(params('/v1/disbursements/{id}/paid', 'post')).toContain('Idempotency-Key');
    expect(params('/v1/disbursements/{id}/reject', 'post')).not.toContain('Idempotency-Key');
    expect(spec.paths['/v1/disbursements/{id}/failed'].post).toBeDefined();
    expect(spec.paths['/v1/victims/{id}/witness-assistance'].get).toBeDefined();
    expect(spec.paths['/v1/funds/{id}/disbursement-policy'].put).toBeDefined();
    const body = spec.paths['/v1/disbursements'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['rationale', 'purpose', 'amount', 'channel']));
  });
});
