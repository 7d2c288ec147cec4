import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import { consoleFor } from '../helpers/console';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, type World } from '../disbursements/support';
import { pdfBytes, upload } from '../documents/support';

/** A State-fund claim asked for information: the console answers with the claim's documents. */
let t: TestApp;
let w: World;

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
});
afterAll(async () => {
  await t.close();
});

const move = (by: TestUser, body: Record<string, unknown>) =>
  request(t.app).post(`/v1/claims/${w.claimId}/transitions`).set('Authorization', by.authHeader).send(body);

it('answers a request for information with the documents ticked on the claim page', async () => {
  await move(w.maker, { to: 'eligibility_review' }).expect(200);
  await move(w.maker, { to: 'info_requested', note: 'Send the payslips for March' }).expect(200);
  const up = await upload(t, w.worker, `/v1/claims/${w.claimId}/documents`, pdfBytes(2_000), {
    kind: 'payslip',
    filename: 'payslip-march.pdf',
  }).expect(201);

  const c = await consoleFor(t, w.worker);
  const page = await c.get(`/console/claims/${w.claimId}`).expect(200);
  expect(page.text).toContain('Move to: Eligibility review');
  expect(page.text).toContain(`name="documentIds[]" value="${up.body.id as string}"`);

  await c
    .post(`/console/claims/${w.claimId}/transitions`, {
      to: 'eligibility_review',
      note: 'Payslips attached',
      'documentIds[]': up.body.id as string,
    })
    .expect(303);
  const docs = await request(t.app)
    .get(`/v1/claims/${w.claimId}/documents`)
    .set('Authorization', w.worker.authHeader)
    .expect(200);
  expect(docs.body.items[0].answersTransitionId).toEqual(expect.any(String));
});
