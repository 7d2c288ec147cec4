import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { migrations } from '../../db/migrations';
import { loadConfig, type Config } from '../../src/config';
import { generateKeyMaterial } from '../../src/lib/crypto';
import type { Db } from '../../src/lib/db';
import { adminUrl, withAdminClient } from './pg-admin';

/*
 * Upgrade tests: a database of its own, migrated only up to the migration before the one under
 * test, given rows the way the older code wrote them, then migrated to the latest.
 */

/** A config for an empty database of its own (created here, named `name`), with fresh keys. */
export async function upgradeTestDatabase(
  label: string,
  env: Record<string, string> = {},
): Promise<{ name: string; config: Config }> {
  const name = `redress_t_${process.env.REDRESS_TEST_RUN}_${label}_${crypto.randomBytes(4).toString('hex')}`;
  await withAdminClient((c) => c.query(`create database ${name}`));
  const keys = generateKeyMaterial();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: adminUrl(name),
    DATA_DIR: path.join(os.tmpdir(), `redress-test-${name}`),
    LOG_LEVEL: 'silent',
    DB_POOL_MAX: '4',
    PII_KEYS: keys.piiKeys,
    BLIND_INDEX_KEY: keys.blindIndexKey,
    ...env,
  });
  return { name, config };
}

/** Applies every migration before `migration` (by name), and nothing after. */
export async function migrateToJustBefore(db: Db, migration: string): Promise<void> {
  const names = Object.keys(migrations);
  const index = names.indexOf(migration);
  if (index < 1) throw new Error(`no migration before ${migration}`);
  const migrated = await new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  }).migrateTo(names[index - 1]!);
  if (migrated.error) throw new Error('migration failed', { cause: migrated.error });
}

/** An audit event as the code before chain keys and write proofs wrote it: a plain insert. */
export async function auditEventTheOldWay(old: Db, resourceId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into audit_events
    (action, resource_type, resource_id, outcome, details)
    values ('claim.update', 'claim', ${resourceId}, 'success', '{}') returning id::text`.execute(old);
  return rows[0]!.id;
}
