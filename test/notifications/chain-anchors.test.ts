import { sql } from 'kysely';
import request from 'supertest';
import { verifyAuditChain } from '../../src/audit/audit-chain';
import { runReconciliation } from '../../src/notifications/reconciliation';
import { aUser, aFundWithMoney, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

// A chain cut short still verifies; the anchors the reconciliation records catch it.

let t: TestApp;
let agency: TestUser;
let fundId: string;
let keyN = 0;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  agency = await aUser(t, { role: 'fund_admin', direct: true });
  fundId = await aFundWithMoney(t, agency);
});
afterAll(() => t.close());

const receipt = () =>
  request(t.app)
    .post(`/v1/funds/${fundId}/receipts`)
    .set('Authorization', agency.authHeader)
    .set('Idempotency-Key', `anchor-${++keyN}`)
    .send({ source: 'donation', amount: '10.00', currency: 'THB', receivedOn: today })
    .expect(201);

async function heads() {
  const run = await t.ctx.db
    .selectFrom('reconciliation_runs')
    .select('anchors')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return run.anchors!;
}

describe('chain anchors', () => {
  it('records both chain heads, passes while the chains grow, and fails once the newest audit rows are deleted', async () => {
    await receipt();
    const first = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(first.ok).toBe(true);
    const recorded = await heads();
    const ledgerHead = await t.ctx.db
      .selectFrom('ledger_entries')
      .select(['chain_seq', 'hash'])
      .orderBy('chain_seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(recorded.ledger).toEqual({ seq: ledgerHead.chain_seq, hash: ledgerHead.hash });
    expect(recorded.audit?.seq).toMatch(/^[1-9][0-9]*$/);

    await receipt(); // the chains move on: the old heads are still inside them
    const second = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(second.checks.find((c) => c.name === 'chain_anchors')).toEqual({
      name: 'chain_anchors',
      ok: true,
      detail: 'ok',
    });
    const anchor = (await heads()).audit!;
    expect(BigInt(anchor.seq)).toBeGreaterThan(BigInt(recorded.audit!.seq));

    // Someone with the power to disable triggers deletes the newest audit events.
    await t.ctx.db.connection().execute(async (c) => {
      await sql`alter table audit_events disable trigger user`.execute(c);
      await sql`delete from audit_events where chain_seq >= ${anchor.seq}::bigint or chain_seq is null`.execute(
        c,
      );
      await sql`alter table audit_events enable trigger user`.execute(c);
    });
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true); // the shorter chain still verifies

    const third = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(third.ok).toBe(false);
    const check = third.checks.find((c) => c.name === 'chain_anchors')!;
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`audit chain no longer reaches seq ${anchor.seq}, its end on ${today}`);
    expect(check.detail).not.toContain('ledger chain');
  });

  it('keeps the runs and their anchors append-only', async () => {
    await expect(sql`update reconciliation_runs set anchors = null`.execute(t.ctx.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from reconciliation_runs`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });
});
