import crypto from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { chainKeysOf } from '../../src/lib/chain-keys';
import { transact } from '../../src/lib/db';
import { postReservation, reserve } from '../../src/ledger/ledger.service';
import { runReconciliation } from '../../src/notifications/reconciliation';
import { captureLogs } from '../helpers/log-capture';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

/*
 * Ledger entries are sealed after commit, over whatever committed entries the sealer finds: an
 * entry posted by SQL alone would be sealed with a valid keyed link. The app's write proof (made
 * before the insert, under a chain key the database never holds) tells it apart. Each scenario
 * damages the ledger for good, so each gets its own database.
 */
let t: TestApp;
let logs: string[];
let admin: TestUser;
let auditor: TestUser;
let fundId: string;
let bank: string;
let pot: string;
const today = new Date().toISOString().slice(0, 10);

beforeEach(async () => {
  const capture = captureLogs('warn');
  logs = capture.lines;
  t = await createTestApp({}, { logger: capture.logger });
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
  // A receipt: its entry and audit event are written in PL/pgSQL, with the app's proofs.
  await request(t.app)
    .post(`/v1/funds/${fundId}/receipts`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', `proof-${crypto.randomUUID()}`)
    .send({ source: 'donation', amount: '1000.00', currency: 'THB', receivedOn: today })
    .expect(201);
  const account = async (where: { role: 'bank' } | { pot_code: string }) =>
    (
      await t.ctx.db
        .selectFrom('ledger_accounts')
        .select('id')
        .where('fund_id', '=', fundId)
        .where((eb) => eb.and(where))
        .executeTakeFirstOrThrow()
    ).id;
  bank = await account({ role: 'bank' });
  pot = await account({ pot_code: 'unrestricted' });
  expect(await verify()).toMatchObject({ ok: true, firstBrokenEntry: null });
});
afterEach(async () => {
  await t.close();
});

async function verify() {
  return (await request(t.app).get('/v1/ledger/verify').set('Authorization', auditor.authHeader).expect(200))
    .body;
}

/** What anyone with EXECUTE on ledger_post_entry can do: post a balanced entry with a proof of their making. */
async function postBySql(proof: { nonce: string; keyId: string; mac: string } | null): Promise<string> {
  const { rows } = await sql<{
    id: string;
  }>`select ledger_post_entry('receipt', 'minted', ${today}::date, null, null,
      '{}'::jsonb, ${[bank, pot]}::bigint[], array['debit', 'credit'], array[50000, 50000]::bigint[],
      ${proof?.nonce ?? null}::uuid, ${proof?.keyId ?? null}, ${proof?.mac ?? null})::text as id`.execute(
    t.ctx.db,
  );
  return rows[0]!.id;
}

describe('ledger write proofs', () => {
  it('an entry posted from a reservation carries a proof the verification accepts', async () => {
    await transact(t.ctx.db, async (trx) => {
      const id = await reserve(trx, {
        description: 'held for a payment',
        createdBy: admin.actor.userId,
        metadata: { purpose: 'medical', note: 'x' },
        lines: [
          { accountId: pot, side: 'debit', amount: 30000n },
          { accountId: bank, side: 'credit', amount: 30000n },
        ],
      });
      await postReservation(trx, id, { createdBy: admin.actor.userId, metadata: { note: 'paid' } });
    });
    const proofs = await t.ctx.db
      .selectFrom('ledger_entries')
      .select(['write_key_id', 'write_mac'])
      .execute();
    expect(proofs).toHaveLength(2);
    expect(
      proofs.every((p) => p.write_key_id === chainKeysOf(t.ctx.db).activeKeyId && p.write_mac !== null),
    ).toBe(true);
    expect(await verify()).toMatchObject({ ok: true, entriesChecked: 2, firstBrokenEntry: null });
  });

  it('an entry posted by SQL without a proof is sealed, fails verification by id, and the sealer warns', async () => {
    const forged = await postBySql(null);
    // The balances agree with the postings (the trigger moved them) and the link is valid.
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEntry: forged, firstWrongBalance: null });
    expect(
      logs.some((l) => l.includes('without a write proof') && l.includes(`"ledgerEntryId":"${forged}"`)),
    ).toBe(true);
    const run = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(run.checks.find((c) => c.name === 'ledger_chain')).toMatchObject({
      ok: false,
      detail: `broken at entry ${forged}`,
    });
  });

  it('an entry posted by SQL with a made-up proof fails verification by id', async () => {
    const forged = await postBySql({
      nonce: crypto.randomUUID(),
      keyId: chainKeysOf(t.ctx.db).activeKeyId,
      mac: crypto.randomBytes(32).toString('hex'),
    });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEntry: forged });
  });

  it("a genuine entry's proof cannot be replayed: its nonce is refused, its mac on another nonce fails", async () => {
    const genuine = await t.ctx.db
      .selectFrom('ledger_entries')
      .select([sql<string>`write_nonce::text`.as('nonce'), 'write_key_id', 'write_mac'])
      .executeTakeFirstOrThrow();
    const copy = { nonce: genuine.nonce, keyId: genuine.write_key_id!, mac: genuine.write_mac! };
    await expect(postBySql(copy)).rejects.toThrow(/write_nonce/);
    const forged = await postBySql({ ...copy, nonce: crypto.randomUUID() });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEntry: forged });
  });
});
