import request from 'supertest';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { get, key, makeWorld, post, receipt, requested, VICTIM_NAME, type World } from './support';

// Paid today: a payment dated in the future is refused, so a fixed date fails on an earlier clock.
const today = new Date().toISOString().slice(0, 10);

let t: TestApp;
let w: World;
const ids: Record<string, string> = {};

const approve = (id: string) => post(t, `/v1/disbursements/${id}/approve`, w.checker, {}, key()).expect(200);
const pay = (id: string) =>
  post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: today }, key()).expect(200);
const setWitness = (isWitness: boolean) =>
  request(t.app)
    .patch(`/v1/victims/${w.victimId}`)
    .set('Authorization', w.worker.authHeader)
    .send({ witness: { isWitness } })
    .expect(200);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '5000.00' });

  ids.before = await requested(t, w, {
    purpose: 'accommodation',
    amount: '100.00',
    rationale: 'Shelter before',
  });
  await approve(ids.before);
  await pay(ids.before);

  await setWitness(true);
  ids.paid = await requested(t, w, {
    purpose: 'return_travel',
    amount: '250.00',
    rationale: '=HYPERLINK("x") bus fare, "return" home, to testify',
  });
  await approve(ids.paid);
  await pay(ids.paid);
  ids.rejected = await requested(t, w, { purpose: 'livelihood', amount: '300.00', rationale: 'Refused one' });
  await post(t, `/v1/disbursements/${ids.rejected}/reject`, w.checker, { reason: 'Not justified' }).expect(
    200,
  );
  ids.approved = await requested(t, w, { purpose: 'medical', amount: '75.50', rationale: 'Clinic visit' });
  await approve(ids.approved);
  ids.requestedOnly = await requested(t, w, {
    purpose: 'legal',
    amount: '20.00',
    rationale: 'Not yet decided',
  });

  await setWitness(false);
  ids.after = await requested(t, w, {
    purpose: 'education',
    amount: '40.00',
    rationale: 'Course after the trial',
  });
  await approve(ids.after);
  await pay(ids.after);
});
afterAll(async () => {
  await t.close();
});

describe('witness-assistance register', () => {
  it('lists exactly what was approved or paid while the victim was a witness', async () => {
    const res = await get(t, `/v1/victims/${w.victimId}/witness-assistance`, w.maker).expect(200);
    expect(res.body.victimId).toBe(w.victimId);
    expect(res.body.victimReference).toBe(w.victimReference);
    expect(res.body.items.map((i: any) => i.disbursementId)).toEqual([ids.paid, ids.approved]);
    expect(res.body.items[0]).toMatchObject({
      purpose: 'return_travel',
      rationale: '=HYPERLINK("x") bus fare, "return" home, to testify',
      amount: '250.00',
      currency: 'THB',
      status: 'paid',
      paidOn: today,
      requestedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(res.body.items[1]).toMatchObject({
      purpose: 'medical',
      amount: '75.50',
      status: 'approved',
      paidOn: null,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Thandar|Mya|123-4-56789/);
  });

  it('exports the same register as CSV, quoting text and defusing spreadsheet formulas', async () => {
    const res = await get(t, `/v1/victims/${w.victimId}/witness-assistance?format=csv`, w.auditor).expect(
      200,
    );
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.startsWith('\uFEFF')).toBe(true); // a BOM, so Excel reads UTF-8
    const lines = res.text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'victimReference,disbursementId,paymentReference,purpose,rationale,amount,currency,channel,status,requestedOn,approvedOn,paidOn',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${w.victimReference},${ids.paid},PAY-`);
    expect(lines[1]).toContain(
      `,return_travel,"'=HYPERLINK(""x"") bus fare, ""return"" home, to testify",250.00,THB,`,
    );
    expect(lines[2]).toContain(`,medical,Clinic visit,75.50,THB,bank_transfer,approved,`);
    expect(res.text).not.toContain(VICTIM_NAME);
  });

  it("is outside the reach of another agency and of another office's legal aid (404)", async () => {
    await get(t, `/v1/victims/${w.victimId}/witness-assistance`, w.outsider).expect(404);
    const otherOffice = await aUser(t, { role: 'legal_aid' });
    await get(t, `/v1/victims/${w.victimId}/witness-assistance`, otherOffice).expect(404);
    await get(t, '/v1/victims/00000000-0000-4000-8000-000000000000/witness-assistance', w.auditor).expect(
      404,
    );
  });
});
