import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, newVictim, receipt, stateFundClaim, type World } from '../disbursements/support';
import { download, pdfBytes, upload } from './support';

/**
 * A State-fund claim's life with documents: the fund asks for information, the legal aid office
 * answers with payslips, the fund's administrators find and read them, and the fund's decision
 * letter is attached to the decision itself.
 */
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '500000.00', source: 'state_appropriation' });
}, 60_000);
afterAll(async () => {
  await t.close();
});

const move = (claimId: string, by: TestUser, body: Record<string, unknown>) =>
  request(t.app).post(`/v1/claims/${claimId}/transitions`).set('Authorization', by.authHeader).send(body);
const claim = async (claimId: string) =>
  (await request(t.app).get(`/v1/claims/${claimId}`).set('Authorization', w.worker.authHeader).expect(200))
    .body;

describe('answering a request for information with documents', () => {
  it('sends the claim’s documents with the answer, and the fund administrator reads them', async () => {
    await move(w.claimId, w.maker, { to: 'eligibility_review' }).expect(200);
    await move(w.claimId, w.maker, { to: 'info_requested', note: 'Send the payslips for March' }).expect(200);
    const payslip = pdfBytes(200_000);
    const up = await upload(t, w.worker, `/v1/claims/${w.claimId}/documents`, payslip, {
      kind: 'payslip',
      filename: 'payslip-march.pdf',
    }).expect(201);
    const answered = await move(w.claimId, w.worker, {
      to: 'eligibility_review',
      note: 'Payslips attached',
      documentIds: [up.body.id],
    });
    expect([answered.status, answered.body.detail]).toEqual([200, undefined]);
    const answer = answered.body.history.at(-1) as { id: string; from: string };
    expect(answer.from).toBe('info_requested');

    const list = await request(t.app)
      .get(`/v1/claims/${w.claimId}/documents`)
      .set('Authorization', w.checker.authHeader)
      .expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: up.body.id, kind: 'payslip', answersTransitionId: answer.id }),
    ]);
    const file = await download(t, w.checker, up.body.id as string).expect(200);
    expect(Buffer.compare(file.body as Buffer, payslip)).toBe(0);
  });

  it('refuses documents on a move that answers no request, and moves nothing', async () => {
    const victim = await newVictim(t, w.worker);
    const claimId = await stateFundClaim(t, w.worker, victim.id, w.fundId);
    const up = await upload(t, w.worker, `/v1/claims/${claimId}/documents`, pdfBytes(100)).expect(201);
    const res = await move(claimId, w.maker, { to: 'eligibility_review', documentIds: [up.body.id] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'documentIds' })]);
    expect((await claim(claimId)).status).toBe('submitted');
  });

  it('refuses another claim’s document in an answer, and the claim stays where it was', async () => {
    const victim = await newVictim(t, w.worker);
    const claimId = await stateFundClaim(t, w.worker, victim.id, w.fundId);
    const other = await upload(t, w.worker, `/v1/victims/${victim.id}/documents`, pdfBytes(100)).expect(201);
    await move(claimId, w.maker, { to: 'eligibility_review' }).expect(200);
    await move(claimId, w.maker, { to: 'info_requested', note: 'Medical certificate, please' }).expect(200);
    const res = await move(claimId, w.worker, { to: 'eligibility_review', documentIds: [other.body.id] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'documentIds[0]' })]);
    expect((await claim(claimId)).status).toBe('info_requested');
    const row = await t.ctx.db
      .selectFrom('documents')
      .select('answers_transition_id')
      .where('id', '=', other.body.id)
      .executeTakeFirstOrThrow();
    expect(row.answers_transition_id).toBeNull();
  });
});

describe('a decision’s documents', () => {
  it('attaches the decision letter to the decision, for the fund and the legal aid office', async () => {
    const decided = await move(w.claimId, w.maker, {
      to: 'decided',
      award: { heads: [{ head: 'medical_expenses', amount: '1000.00' }] },
    });
    expect([decided.status, decided.body.detail]).toEqual([200, undefined]);
    const decision = decided.body.history.at(-1) as { id: string; to: string };
    expect(decision.to).toBe('decided');
    const path = `/v1/claims/${w.claimId}/decisions/${decision.id}/documents`;
    const letter = await upload(t, w.maker, path, pdfBytes(3000), {
      kind: 'decision_letter',
      filename: 'decision.pdf',
    }).expect(201);
    expect(letter.body).toMatchObject({ ownerKind: 'decision', ownerId: decision.id, claimId: w.claimId });
    const mine = await request(t.app).get(path).set('Authorization', w.worker.authHeader).expect(200);
    expect(mine.body.items.map((d: { id: string }) => d.id)).toEqual([letter.body.id]);
    // the claim's own list shows its decisions' documents too
    const all = await request(t.app)
      .get(`/v1/claims/${w.claimId}/documents`)
      .set('Authorization', w.worker.authHeader)
      .expect(200);
    expect(all.body.items.map((d: { id: string }) => d.id)).toContain(letter.body.id);
    await download(t, w.worker, letter.body.id as string).expect(200);
  });

  it('answers 404 for a history entry that is not a decision', async () => {
    const history = (await claim(w.claimId)).history as Array<{ id: string; to: string }>;
    const notDecision = history.find((h) => h.to === 'eligibility_review')!;
    await upload(
      t,
      w.maker,
      `/v1/claims/${w.claimId}/decisions/${notDecision.id}/documents`,
      pdfBytes(10),
    ).expect(404);
  });
});
