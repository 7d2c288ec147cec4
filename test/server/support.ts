import crypto from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { sealAndVerifyAuditChain } from '../../src/audit/audit-chain';
import type { Config } from '../../src/config';
import { verifyLedger } from '../../src/ledger/ledger-chain';
import { openDatabase } from '../../src/lib/db';
import type { Logger } from '../../src/lib/logger';
import { createMetrics } from '../../src/lib/metrics';
import { OpenApiRegistry } from '../../src/lib/openapi';
import { aUser, type TestUser } from '../helpers/factories';
import type { TestApp } from '../helpers/test-app';
import { bookViolations } from '../ledger/helpers';
import { inheritChainKeys } from '../../src/lib/chain-keys';

/** Helpers for the database fault tests: funds, receipts, and a second connection holding locks. */

export const today = new Date().toISOString().slice(0, 10);

/** A fund administrator whose name and e-mail address are identifying values the logs must not show. */
export async function fundAdmin(t: TestApp): Promise<TestUser & { name: string }> {
  const tag = crypto.randomBytes(4).toString('hex');
  const name = `Amara Okafor-${tag}`;
  const user = await aUser(t, { role: 'fund_admin', name, email: `amara.okafor.${tag}@example.org` });
  return { ...user, name };
}

/** A receipt into the fund's unrestricted pot; the donor's name is an identifying value. */
export function receipt(
  t: TestApp | { app: Express },
  admin: TestUser,
  fundId: string,
  key: string,
  donor: string,
) {
  return request(t.app)
    .post(`/v1/funds/${fundId}/receipts`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', key)
    .send({ source: 'fine', amount: '10.00', currency: 'THB', receivedOn: today, donor });
}

export function balances(t: TestApp, admin: TestUser, fundId: string) {
  return request(t.app).get(`/v1/funds/${fundId}/balances`).set('Authorization', admin.authHeader);
}

/** A second connection, outside the app, holding every ledger account row of the fund(s) FOR UPDATE. */
export async function lockFundAccounts(
  databaseUrl: string,
  fundIds: string | string[],
): Promise<{ release(): Promise<void> }> {
  const ids = typeof fundIds === 'string' ? [fundIds] : fundIds;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  const { rows } = await client.query<{ n: number }>(
    `with locked as (select fund_id from ledger_accounts where fund_id = any($1::uuid[]) for update)
     select count(distinct fund_id)::int as n from locked`,
    [ids],
  );
  if (rows[0]!.n !== ids.length) throw new Error('a fund has no ledger accounts to lock');
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('rollback');
      await client.end();
    },
  };
}

/**
 * A second app on the test app's database with other database settings (e.g. a short
 * statement timeout), so the setup runs with the ordinary ones and only the request under test
 * meets the new ones.
 */
export async function appWithSettings(
  t: TestApp,
  settings: Partial<Config>,
  logger: Logger,
): Promise<{ app: Express; close(): Promise<void> }> {
  const handle = await openDatabase({ ...t.config, ...settings });
  // The same keys as the test app: audit events and ledger entries are signed with them.
  inheritChainKeys(t.ctx.db, handle.db);
  const app = createApp({
    ...t.ctx,
    config: { ...t.config, ...settings },
    db: handle.db,
    logger,
    metrics: createMetrics(),
    openapi: new OpenApiRegistry(),
    readinessChecks: {},
  });
  return { app, close: () => handle.close() };
}

/** Backends of this database waiting for a lock right now. */
export async function backendsWaitingOnLocks(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

/** The books balance, and the ledger and audit hash chains verify. */
export async function expectSoundLedger(t: TestApp): Promise<void> {
  expect(await bookViolations(t)).toEqual([]);
  expect(await verifyLedger(t.ctx.db)).toMatchObject({ ok: true });
  expect(await sealAndVerifyAuditChain(t.ctx.db)).toMatchObject({ ok: true });
}
