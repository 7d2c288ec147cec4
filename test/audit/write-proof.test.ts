import crypto from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { auditProofContent } from '../../src/audit/audit';
import { sealAuditEvents } from '../../src/audit/audit-chain';
import { recordAudit } from '../../src/audit/audit.service';
import { chainKeysOf } from '../../src/lib/chain-keys';
import { transact } from '../../src/lib/db';
import { makeWriteProof } from '../../src/lib/write-proof';
import { captureLogs } from '../helpers/log-capture';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';

/*
 * Chain links are sealed after commit, over whatever committed rows the sealer finds. A row that
 * someone with SQL access INSERTs into audit_events is therefore sealed with a valid keyed link;
 * only the app's write proof (made before the insert, under a chain key the database never
 * holds) tells it apart. Each scenario breaks the trail for good, so each gets its own database.
 */
let t: TestApp;
let logs: string[];
let token: string;
beforeEach(async () => {
  const capture = captureLogs('warn');
  logs = capture.lines;
  t = await createTestApp({}, { logger: capture.logger });
  token = (await aUser(t, { role: 'auditor', office: null, direct: true })).token;
  await transact(t.ctx.db, (trx) =>
    recordAudit(trx, {
      actor: null,
      action: 'claim.update',
      resourceType: 'claim',
      resourceId: 'c-1',
      details: { field: 'status', amount: '12.50' },
    }),
  );
});
afterEach(async () => {
  await t.close();
});

async function verify() {
  const res = await request(t.app)
    .get('/v1/audit/verify')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  return res.body as { ok: boolean; eventsChecked: number; firstBrokenEvent: string | null };
}

async function genuine() {
  return t.ctx.db
    .selectFrom('audit_events')
    .select(['id', sql<string>`write_nonce::text`.as('nonce'), 'write_key_id', 'write_mac'])
    .where('resource_id', '=', 'c-1')
    .executeTakeFirstOrThrow();
}

/** An INSERT as any role with INSERT on audit_events can make it; `proof` columns as given. */
async function forge(resourceId: string, proof: { nonce: string; keyId: string; mac: string } | null) {
  const { rows } = await sql<{ id: string }>`insert into audit_events
      (action, resource_type, resource_id, outcome, details, write_nonce, write_key_id, write_mac)
    values ('claim.update', 'claim', ${resourceId}, 'success', '{"field": "status", "amount": "12.50"}',
            ${proof?.nonce ?? null}::uuid, ${proof?.keyId ?? null}, ${proof?.mac ?? null})
    returning id`.execute(t.ctx.db);
  return rows[0]!.id;
}

describe('audit write proofs', () => {
  it('every event the app writes carries a proof, and the trail verifies', async () => {
    const row = await genuine();
    expect(row.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.write_key_id).toBe(chainKeysOf(t.ctx.db).activeKeyId);
    expect(row.write_mac).toMatch(/^[0-9a-f]{64}$/);
    expect(await verify()).toMatchObject({ ok: true, firstBrokenEvent: null });
  });

  it('an event INSERTed by SQL alone is sealed (the trail goes on) but fails verification, by id', async () => {
    const forged = await forge('c-forged', null);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, firstBrokenEvent: forged });
    // Sealed all the same, so one forged row does not stop every later event from being chained.
    const sealed = await t.ctx.db
      .selectFrom('audit_events')
      .select('chain_seq')
      .where('id', '=', forged)
      .executeTakeFirstOrThrow();
    expect(sealed.chain_seq).not.toBeNull();
    expect(
      logs.some((l) => l.includes('without a write proof') && l.includes(`"auditEventId":"${forged}"`)),
    ).toBe(true);
  });

  it("a genuine event's proof cannot be replayed: the same nonce is refused, another nonce fails", async () => {
    const row = await genuine();
    await expect(
      forge('c-copy', { nonce: row.nonce, keyId: row.write_key_id!, mac: row.write_mac! }),
    ).rejects.toThrow(/write_nonce/);
    const copied = await forge('c-1', {
      nonce: crypto.randomUUID(),
      keyId: row.write_key_id!,
      mac: row.write_mac!,
    });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEvent: copied });
  });

  it('a proof under a guessed key fails', async () => {
    await sealAuditEvents(t.ctx.db);
    const content = {
      actorId: null,
      actorRole: null,
      action: 'claim.update',
      resourceType: 'claim',
      resourceId: 'c-guessed',
      requestId: null,
      outcome: 'success',
      details: { field: 'status', amount: '12.50' },
    };
    const ring = chainKeysOf(t.ctx.db);
    const guessed = makeWriteProof(
      { activeKeyId: ring.activeKeyId, keys: new Map([[ring.activeKeyId, crypto.randomBytes(32)]]) },
      'audit_events',
      auditProofContent(content),
    );
    const forged = await forge('c-guessed', guessed);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEvent: forged });
  });

  it('a real proof made for other content fails', async () => {
    const ring = chainKeysOf(t.ctx.db);
    const proof = makeWriteProof(
      ring,
      'audit_events',
      auditProofContent({
        actorId: null,
        actorRole: null,
        action: 'claim.update',
        resourceType: 'claim',
        resourceId: 'c-harmless',
        requestId: null,
        outcome: 'success',
        details: { field: 'status', amount: '12.50' },
      }),
    );
    const forged = await forge('c-other', proof);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenEvent: forged });
  });

  it('the bound of rows written before proofs is fixed by the migration', async () => {
    const bound = await t.ctx.db
      .selectFrom('write_proof_bounds')
      .select(['chain', 'last_unproven_seq'])
      .orderBy('chain')
      .execute();
    expect(bound).toEqual([
      { chain: 'audit', last_unproven_seq: '0' },
      { chain: 'ledger', last_unproven_seq: '0' },
    ]);
    await expect(sql`update write_proof_bounds set last_unproven_seq = 99`.execute(t.ctx.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from write_proof_bounds`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });
});
