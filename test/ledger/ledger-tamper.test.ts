import { sql } from 'kysely';
import request from 'supertest';
import { transact } from '../../src/lib/db';
import { chainHash } from '../../src/lib/hash-chain';
import { entryContent, sealLedger } from '../../src/ledger/ledger-chain';
import { entriesByIds } from '../../src/ledger/ledger-history.repository';
import { runReconciliation } from '../../src/notifications/reconciliation';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

// What someone with SQL access but without the chain key can do to the books, and how it shows.
// Each scenario damages the ledger for good, so each gets its own database.

let t: TestApp;
let admin: TestUser;
let auditor: TestUser;
let fundId: string;
let n = 0;
const today = new Date().toISOString().slice(0, 10);

beforeEach(async () => {
  t = await createTestApp();
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  fundId = (
    await request(t.app)
      .post('/v1/funds')
      .set('Authorization', admin.authHeader)
      .send({ name: 'A', currency: 'THB' })
      .expect(201)
  ).body.id;
  for (const amount of ['1000.00', '250.00'])
    await request(t.app)
      .post(`/v1/funds/${fundId}/receipts`)
      .set('Authorization', admin.authHeader)
      .set('Idempotency-Key', `tamper-${++n}`)
      .send({ source: 'donation', amount, currency: 'THB', receivedOn: today })
      .expect(201);
  expect((await verify()).ok).toBe(true);
});
afterEach(async () => {
  await t.close();
});

async function verify() {
  return (await request(t.app).get('/v1/ledger/verify').set('Authorization', auditor.authHeader).expect(200))
    .body;
}

async function potAccount(): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('ledger_accounts')
    .select('id')
    .where('fund_id', '=', fundId)
    .where('pot_code', '=', 'unrestricted')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('GET /v1/ledger/verify and the reconciliation after tampering', () => {
  it('an UPDATE of a pot balance fails verification, naming the account, and the nightly reconciliation', async () => {
    const pot = await potAccount();
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from ledger_accounts`.execute(
      t.ctx.db,
    );
    await sql`update ledger_accounts set posted = posted + 100000000 where id = ${pot}`.execute(t.ctx.db);

    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenEntry: null,
      balancesChecked: Number(rows[0]!.n),
      firstWrongBalance: pot,
    });
    const run = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(run.ok).toBe(false);
    expect(run.checks.find((c) => c.name === 'ledger_chain')).toEqual({
      name: 'ledger_chain',
      ok: false,
      detail: `balance of account ${pot} differs from its postings and reservations`,
    });
  });

  it('an UPDATE of a pending balance fails verification too', async () => {
    const pot = await potAccount();
    await sql`update ledger_accounts set pending = pending + 1 where id = ${pot}`.execute(t.ctx.db);
    expect(await verify()).toMatchObject({ ok: false, firstWrongBalance: pot });
  });

  it('an entry posted by SQL and given a correctly recomputed unkeyed link fails verification', async () => {
    await sealLedger(t.ctx.db);
    const pot = await potAccount();
    const bank = (
      await t.ctx.db
        .selectFrom('ledger_accounts')
        .select('id')
        .where('fund_id', '=', fundId)
        .where('role', '=', 'bank')
        .executeTakeFirstOrThrow()
    ).id;
    const forged = await transact(t.ctx.db, async (trx) => {
      // Under the sealer's lock, so no seal slips in between reading the head and linking to it.
      await sql`select pg_advisory_xact_lock(hashtextextended('redress:ledger-sealer', 0))`.execute(trx);
      const { rows } = await sql<{
        id: string;
      }>`select ledger_post_entry('receipt', 'minted', null, null, null,
        '{}'::jsonb, ${[bank, pot]}::bigint[], array['debit', 'credit'], array[50000, 50000]::bigint[],
        null, null, null)::text as id`.execute(trx);
      const id = rows[0]!.id;
      const head = await trx
        .selectFrom('ledger_entries')
        .select(['chain_seq', 'hash'])
        .where('chain_seq', 'is not', null)
        .orderBy('chain_seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      const [entry] = await entriesByIds(trx, [id]);
      const hash = chainHash(head.hash!, entryContent(entry!));
      await sql`update ledger_entries set chain_seq = ${String(BigInt(head.chain_seq!) + 1n)}::bigint,
        prev_hash = ${head.hash}, hash = ${hash} where id = ${id}`.execute(trx);
      return id;
    });
    // The balances agree with the postings (the trigger moved them): only the link gives it away.
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEntry: forged, firstWrongBalance: null });
    const run = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(run.checks.find((c) => c.name === 'ledger_chain')).toMatchObject({
      ok: false,
      detail: `broken at entry ${forged}`,
    });
  });
});
