import { sql } from 'kysely';
import request from 'supertest';
import { ledgerErrorOf } from '../../src/ledger/ledger-errors';
import { transact } from '../../src/lib/db';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

// One fund administrator must not be able to mint money with a manual entry: on a fund's pots or
// bank it is a proposal until a different fund administrator approves it.

let t: TestApp;
let maker: TestUser;
let checker: TestUser;
let outsider: TestUser;
let auditor: TestUser;
let fundId: string;
let accounts: Map<string, string>; // code → id
let n = 0;
const today = new Date().toISOString().slice(0, 10);

const post = (path: string, user: TestUser, body: object = {}, key: string | null = `ep-${++n}`) => {
  const r = request(t.app).post(path).set('Authorization', user.authHeader);
  if (key !== null) r.set('Idempotency-Key', key);
  return r.send(body);
};
const mint = (amount = '500.00') => ({
  description: 'Adjustment',
  postings: [
    { accountId: accounts.get('bank:THB')!, side: 'debit', amount },
    { accountId: accounts.get('pot:unrestricted:THB')!, side: 'credit', amount },
  ],
});
async function unrestricted(): Promise<string> {
  const res = await request(t.app)
    .get(`/v1/funds/${fundId}/balances`)
    .set('Authorization', maker.authHeader)
    .expect(200);
  return res.body.pots.find((p: { code: string }) => p.code === 'unrestricted').posted;
}
const auditActions = async (resourceId: string) =>
  (
    await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('resource_id', '=', resourceId)
      .orderBy('id')
      .execute()
  ).map((r) => [r.action, r.actor_id]);

beforeAll(async () => {
  t = await createTestApp();
  const agency = await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true });
  maker = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
  checker = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
  outsider = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Other agency', direct: true }),
    direct: true,
  });
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  fundId = (await post('/v1/funds', maker, { name: 'A', currency: 'THB' }, null).expect(201)).body.id;
  await post(`/v1/funds/${fundId}/receipts`, maker, {
    source: 'donation',
    amount: '1000.00',
    currency: 'THB',
    receivedOn: today,
  }).expect(201);
  const list = await request(t.app)
    .get(`/v1/ledger/accounts?fundId=${fundId}&limit=500`)
    .set('Authorization', maker.authHeader);
  accounts = new Map(list.body.items.map((a: { code: string; id: string }) => [a.code, a.id]));
});
afterAll(async () => {
  await t.close();
});

describe('a manual entry on a fund’s pots or bank', () => {
  it('is a proposal (202) that the proposer cannot approve; a second administrator posts it, and only then do balances move', async () => {
    const key = `ep-mint-${++n}`;
    const proposed = await post('/v1/ledger/entries', maker, mint(), key).expect(202);
    expect(proposed.body).toMatchObject({
      status: 'proposed',
      description: 'Adjustment',
      proposedBy: maker.actor.userId,
      entryId: null,
      postings: [
        { accountId: accounts.get('bank:THB'), side: 'debit', amount: '500.00', currency: 'THB' },
        {
          accountId: accounts.get('pot:unrestricted:THB'),
          side: 'credit',
          amount: '500.00',
          currency: 'THB',
        },
      ],
    });
    const id = proposed.body.id as string;
    expect(await unrestricted()).toBe('1000.00');
    // A replay answers the same proposal; it does not make a second one.
    const replay = await post('/v1/ledger/entries', maker, mint(), key).expect(202);
    expect(replay.body).toEqual(proposed.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(
      (
        await request(t.app)
          .get('/v1/ledger/entry-proposals?status=proposed')
          .set('Authorization', maker.authHeader)
      ).body.items,
    ).toHaveLength(1);

    const own = await post(`/v1/ledger/entry-proposals/${id}/approve`, maker).expect(403);
    expect(own.body.type).toMatch(/\/forbidden$/);
    await post(`/v1/ledger/entry-proposals/${id}/approve`, outsider).expect(404);
    await post(`/v1/ledger/entry-proposals/${id}/approve`, auditor).expect(403);
    expect(await unrestricted()).toBe('1000.00');

    const approved = await post(`/v1/ledger/entry-proposals/${id}/approve`, checker).expect(200);
    expect(approved.body).toMatchObject({ id, status: 'posted', resolvedBy: checker.actor.userId });
    expect(approved.body.entry).toMatchObject({
      id: approved.body.entryId,
      kind: 'manual',
      metadata: { proposalId: id, approvedBy: checker.actor.userId },
    });
    expect(await unrestricted()).toBe('1500.00');
    await post(`/v1/ledger/entry-proposals/${id}/approve`, checker).expect(409);
    expect(await unrestricted()).toBe('1500.00');

    expect(await auditActions(id)).toEqual([
      ['ledger_entry_proposal.create', maker.actor.userId],
      ['ledger_entry_proposal.approve', checker.actor.userId],
    ]);
    expect(await auditActions(approved.body.entryId)).toEqual([
      ['ledger_entry.create', checker.actor.userId],
    ]);
    const verify = await request(t.app)
      .get('/v1/ledger/verify')
      .set('Authorization', auditor.authHeader)
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true, firstWrongBalance: null });
  });

  it('is closed without posting when rejected, or withdrawn by its proposer', async () => {
    for (const by of [checker, maker]) {
      const id = (await post('/v1/ledger/entries', maker, mint('1.00')).expect(202)).body.id as string;
      const rejected = await post(
        `/v1/ledger/entry-proposals/${id}/reject`,
        by,
        { reason: 'no' },
        null,
      ).expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', resolvedBy: by.actor.userId, reason: 'no' });
      await post(`/v1/ledger/entry-proposals/${id}/approve`, checker).expect(409);
      const read = await request(t.app)
        .get(`/v1/ledger/entry-proposals/${id}`)
        .set('Authorization', auditor.authHeader)
        .expect(200);
      expect(read.body.status).toBe('rejected');
      await request(t.app)
        .get(`/v1/ledger/entry-proposals/${id}`)
        .set('Authorization', outsider.authHeader)
        .expect(404);
    }
    expect(await unrestricted()).toBe('1500.00');
  });

  it('leaves entries touching no pot or bank as they were: posted at once (201)', async () => {
    const res = await post('/v1/ledger/entries', maker, {
      description: 'Reclassify',
      postings: [
        { accountId: accounts.get('revenue:donation:THB'), side: 'debit', amount: '10.00' },
        { accountId: accounts.get('revenue:recovery:THB'), side: 'credit', amount: '10.00' },
      ],
    }).expect(201);
    expect(res.body.kind).toBe('manual');
  });

  it('is documented in OpenAPI: 202 on POST /v1/ledger/entries and the proposal endpoints', async () => {
    const spec = (await request(t.app).get('/openapi.json').expect(200)).body;
    expect(spec.paths['/v1/ledger/entries'].post.responses['202']).toBeDefined();
    const approve = spec.paths['/v1/ledger/entry-proposals/{id}/approve'].post;
    expect(approve.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(spec.paths['/v1/ledger/entry-proposals/{id}/reject'].post).toBeDefined();
    expect(spec.paths['/v1/ledger/entry-proposals'].get).toBeDefined();
  });
});

describe('reversing an entry on a fund’s pots or bank', () => {
  it('undoing money out (it would refill the pot) is a proposal: the proposer cannot approve it, a second administrator posts it', async () => {
    // Money out of the pot, recorded by hand (two people, as every manual entry on fund money).
    const outflow = {
      description: 'Paid by hand',
      postings: [
        { accountId: accounts.get('pot:unrestricted:THB')!, side: 'debit', amount: '40.00' },
        { accountId: accounts.get('bank:THB')!, side: 'credit', amount: '40.00' },
      ],
    };
    const paid = await post('/v1/ledger/entries', maker, outflow).expect(202);
    const entryId = (await post(`/v1/ledger/entry-proposals/${paid.body.id}/approve`, checker).expect(200))
      .body.entry.id as string;
    const before = await unrestricted();
    const proposed = await post(`/v1/ledger/entries/${entryId}/reverse`, maker, {
      reason: 'the bank sent it back',
    }).expect(202);
    expect(proposed.body).toMatchObject({
      status: 'proposed',
      reversesEntryId: entryId,
      description: 'the bank sent it back',
    });
    const id = proposed.body.id as string;
    await post(`/v1/ledger/entry-proposals/${id}/approve`, maker).expect(403);
    expect(await unrestricted()).toBe(before);

    const approved = await post(`/v1/ledger/entry-proposals/${id}/approve`, checker).expect(200);
    expect(approved.body.entry).toMatchObject({
      kind: 'reversal',
      reversesEntryId: entryId,
      metadata: { proposalId: id, approvedBy: checker.actor.userId, reason: 'the bank sent it back' },
    });
    expect(Number(await unrestricted())).toBe(Number(before) + 40);
    // Once reversed, a new reversal is refused at once, before any proposal.
    const again = await post(`/v1/ledger/entries/${entryId}/reverse`, maker, { reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/\/already-reversed$/);
  });

  it('undoing money in (a receipt entered twice) only lowers the pot: it posts at once (201), as before', async () => {
    const receipt = await post(`/v1/funds/${fundId}/receipts`, maker, {
      source: 'donation',
      amount: '100.00',
      currency: 'THB',
      receivedOn: today,
    }).expect(201);
    const before = await unrestricted();
    const res = await post(`/v1/ledger/entries/${receipt.body.entryId}/reverse`, maker, {
      reason: 'entered twice',
    }).expect(201);
    expect(res.body).toMatchObject({ kind: 'reversal', reversesEntryId: receipt.body.entryId });
    expect(Number(await unrestricted())).toBe(Number(before) - 100);
  });

  it('leaves a reversal touching no pot or bank as it was: posted at once (201)', async () => {
    const entry = await post('/v1/ledger/entries', maker, {
      description: 'Reclassify again',
      postings: [
        { accountId: accounts.get('revenue:donation:THB'), side: 'debit', amount: '1.00' },
        { accountId: accounts.get('revenue:recovery:THB'), side: 'credit', amount: '1.00' },
      ],
    }).expect(201);
    await post(`/v1/ledger/entries/${entry.body.id}/reverse`, maker, { reason: 'undo' }).expect(201);
  });
});

describe('the same rules in PostgreSQL, whatever the code does', () => {
  it('refuses an approval recorded for the proposer, and any change to an approval', async () => {
    const id = (await post('/v1/ledger/entries', maker, mint('2.00')).expect(202)).body.id as string;
    await expect(
      t.ctx.db
        .insertInto('ledger_entry_proposal_approvals')
        .values({ proposal_id: id, approver_id: maker.actor.userId })
        .execute(),
    ).rejects.toMatchObject({ code: 'RL020' });
    await post(`/v1/ledger/entry-proposals/${id}/approve`, checker).expect(200);
    await expect(
      sql`update ledger_entry_proposal_approvals set approver_id = ${outsider.actor.userId}
        where proposal_id = ${id}`.execute(t.ctx.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from ledger_entry_proposal_approvals where proposal_id = ${id}`.execute(t.ctx.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update ledger_entry_proposals set postings = '[]'::jsonb where id = ${id}`.execute(t.ctx.db),
    ).rejects.toMatchObject({ code: 'RL021' });
  });

  it('refuses at commit a manual entry on a pot that no approved proposal points at', async () => {
    const before = await unrestricted();
    const err: unknown = await transact(t.ctx.db, (trx) =>
      sql`select ledger_post_entry('manual', 'minted', null, null, null, '{}'::jsonb,
        ${[accounts.get('bank:THB')!, accounts.get('pot:unrestricted:THB')!]}::bigint[],
        array['debit', 'credit'], array[100000, 100000]::bigint[], null, null, null)`.execute(trx),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RL022' });
    expect(ledgerErrorOf(err)?.status).toBe(409); // a problem, never a 500, should a code path forget
    expect(await unrestricted()).toBe(before);
  });
});

describe('bad input to the proposal endpoints', () => {
  const footprint = async () => ({
    proposals: (await t.ctx.db.selectFrom('ledger_entry_proposals').select('id').execute()).length,
    approvals: (await t.ctx.db.selectFrom('ledger_entry_proposal_approvals').select('proposal_id').execute())
      .length,
    entries: (await t.ctx.db.selectFrom('ledger_entries').select('id').execute()).length,
  });
  let open: string;
  beforeAll(async () => {
    open = (await post('/v1/ledger/entries', maker, mint('3.00')).expect(202)).body.id as string;
  });

  const cases: Array<[string, () => request.Test, number, string | null]> = [
    ['approve: id not a uuid', () => post('/v1/ledger/entry-proposals/12/approve', checker), 400, 'id'],
    [
      'approve: missing Idempotency-Key',
      () => post(`/v1/ledger/entry-proposals/${open}/approve`, checker, {}, null),
      400,
      'Idempotency-Key',
    ],
    [
      'approve: unknown proposal',
      () => post('/v1/ledger/entry-proposals/00000000-0000-4000-8000-000000000000/approve', checker),
      404,
      null,
    ],
    [
      'reject: missing reason',
      () => post(`/v1/ledger/entry-proposals/${open}/reject`, checker, {}),
      400,
      'reason',
    ],
    [
      'reject: reason of control characters',
      () => post(`/v1/ledger/entry-proposals/${open}/reject`, checker, { reason: 'no\u0000' }),
      400,
      'reason',
    ],
    [
      'list: unknown status',
      () =>
        request(t.app)
          .get('/v1/ledger/entry-proposals?status=maybe')
          .set('Authorization', checker.authHeader),
      400,
      'status',
    ],
    [
      'propose: unbalanced postings',
      () =>
        post('/v1/ledger/entries', maker, {
          description: 'Lopsided',
          postings: [
            { accountId: accounts.get('bank:THB')!, side: 'debit', amount: '5.00' },
            { accountId: accounts.get('pot:unrestricted:THB')!, side: 'credit', amount: '4.00' },
          ],
        }),
      400,
      null,
    ],
  ];
  it.each(cases)('%s → a problem, nothing written', async (_name, send, status, field) => {
    const before = await footprint();
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(status);
    if (field) expect(JSON.stringify(res.body)).toContain(field);
    expect(await footprint()).toEqual(before);
  });
});
