import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, post, receipt, requested, type World } from './support';

// An approval is evidence of who released money: like the audit trail, never edited or removed.

let t: TestApp;
let w: World;
let id: string;
beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '1000.00', pot: 'medical' });
  id = await requested(t, w);
  await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
});
afterAll(async () => {
  await t.close();
});

describe('disbursement approvals are append-only in PostgreSQL', () => {
  it.each([
    [
      'an UPDATE moving the approval to another person',
      () =>
        sql`update disbursement_approvals set approver_id = ${w.checker2.id} where disbursement_id = ${id}`,
    ],
    [
      'an UPDATE of its time',
      () => sql`update disbursement_approvals set approved_at = now() - interval '1 day'`,
    ],
    ['a DELETE', () => sql`delete from disbursement_approvals where disbursement_id = ${id}`],
    ['a TRUNCATE', () => sql`truncate disbursement_approvals`],
  ])('refuses %s', async (_label, statement) => {
    await expect(statement().execute(t.ctx.db)).rejects.toThrow(/disbursement_approvals is append-only/);
    const rows = await t.ctx.db.selectFrom('disbursement_approvals').selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ disbursement_id: id, approver_id: w.checker.id })]);
  });
});
