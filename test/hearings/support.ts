import request from 'supertest';
import type { TestApp } from '../helpers/test-app';
import { addDaysTo, labourClaim, office, victim, type Office } from '../notifications/support';

export { addDaysTo, office, type Office };

export const today = new Date().toISOString().slice(0, 10);

/** A labour claim of a new victim of the office (victim: Somchai Kaewkla), filed 30 days ago. */
export async function claimOf(t: TestApp, o: Office): Promise<{ id: string; reference: string }> {
  const v = await victim(t, o);
  const id = await labourClaim(t, o, v, addDaysTo(today, -30));
  const row = await t.ctx.db
    .selectFrom('claims')
    .select('reference')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, reference: row.reference };
}

export async function schedule(t: TestApp, o: Office, claimId: string, body: Record<string, unknown>) {
  const res = await request(t.app)
    .post(`/v1/claims/${claimId}/hearings`)
    .set('Authorization', o.worker.authHeader)
    .send({ kind: 'hearing', ...body });
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; date: string; status: string };
}

export const step = (t: TestApp, o: Office, hearingId: string, action: string, body: object) =>
  request(t.app)
    .post(`/v1/hearings/${hearingId}/${action}`)
    .set('Authorization', o.worker.authHeader)
    .send(body);

/** What a claim is apart from its hearings: its stage and its moves. */
export async function claimState(t: TestApp, claimId: string) {
  const claim = await t.ctx.db
    .selectFrom('claims')
    .select(['status', 'status_since'])
    .where('id', '=', claimId)
    .executeTakeFirstOrThrow();
  const moves = await t.ctx.db
    .selectFrom('claim_transitions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('claim_id', '=', claimId)
    .executeTakeFirstOrThrow();
  return { ...claim, moves: Number(moves.n) };
}

export async function hearingRows(t: TestApp): Promise<number> {
  const row = await t.ctx.db
    .selectFrom('hearings')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const events = await t.ctx.db
    .selectFrom('hearing_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) * 1_000_000 + Number(events.n);
}
