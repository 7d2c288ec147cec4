import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import { loadConfig, type Config } from '../../src/config';
import { parseKeyRing, generateKeyMaterial } from '../../src/lib/crypto';
import { createLogger, type Logger } from '../../src/lib/logger';
import { ensureServiceRole, withDatabase } from '../../db/roles';
import { adminUrl, withAdminClient } from './pg-admin';

export interface TestApp extends Runtime {
  app: Express;
  config: Config;
  databaseName: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, and an app on it. One per test file. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const template = process.env.REDRESS_TEST_TEMPLATE;
  if (!template)
    throw new Error('REDRESS_TEST_TEMPLATE is not set: run the tests through jest (globalSetup)');
  const name = `redress_t_${process.env.REDRESS_TEST_RUN}_${crypto.randomBytes(5).toString('hex')}`;
  await withAdminClient((c) => c.query(`create database ${name} template ${template}`));
  return { name, url: adminUrl(name) };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
}

/**
 * Roles as in production: the owner runs the migrations, the app role owns nothing. Roles are
 * cluster-wide, so every test run shares these two; each database is its own.
 */
export const TEST_OWNER_ROLE = 'redress_test_owner';
export const TEST_APP_ROLE = 'redress_test_app';

/**
 * An empty database owned by TEST_OWNER_ROLE (not the template: its tables belong to the
 * superuser that migrated it), and the URLs of both roles. The caller migrates it.
 */
export async function createAppRoleDatabase(): Promise<{ name: string; ownerUrl: string; appUrl: string }> {
  const name = `redress_t_${process.env.REDRESS_TEST_RUN}_${crypto.randomBytes(5).toString('hex')}`;
  await withAdminClient(async (c) => {
    await ensureServiceRole(c, TEST_OWNER_ROLE, { password: false });
    await ensureServiceRole(c, TEST_APP_ROLE, { password: false });
    await c.query(`create database ${name} owner ${TEST_OWNER_ROLE}`);
  });
  return {
    name,
    ownerUrl: withDatabase(adminUrl(), name, TEST_OWNER_ROLE),
    appUrl: withDatabase(adminUrl(), name, TEST_APP_ROLE),
  };
}

export interface TestAppOptions {
  /**
   * Connect as TEST_APP_ROLE to a fresh database that the app migrates as TEST_OWNER_ROLE on
   * start (MIGRATION_DATABASE_URL), as a production deployment does. Slower: no template.
   */
  asAppRole?: boolean;
  /** Where the app logs (default: a logger at TEST_LOG_LEVEL, silent). */
  logger?: Logger;
}

// REDRESS_TEST_AS_APP_ROLE=1 runs any test files as the app role (slower: a migration per file).
let appRoleByDefault = process.env.REDRESS_TEST_AS_APP_ROLE === '1';

/** Every createTestApp of this test file (module registry) connects as the app role. */
export function connectTestAppsAsAppRole(): void {
  appRoleByDefault = true;
}

export async function createTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const asAppRole = options.asAppRole ?? appRoleByDefault;
  const { name, url, ownerUrl } = asAppRole
    ? await createAppRoleDatabase().then((d) => ({ name: d.name, url: d.appUrl, ownerUrl: d.ownerUrl }))
    : { ...(await createTestDatabase()), ownerUrl: undefined };
  const keys = generateKeyMaterial();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ...(ownerUrl ? { MIGRATION_DATABASE_URL: ownerUrl } : {}),
    DATA_DIR: path.join(os.tmpdir(), `redress-test-${name}`),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_MAX: '10',
    PII_KEYS: keys.piiKeys,
    BLIND_INDEX_KEY: keys.blindIndexKey,
    ...env,
  });
  const runtime = await buildRuntime(config, {
    logger: options.logger ?? createLogger(config.logLevel),
    keys: parseKeyRing(keys.piiKeys, keys.blindIndexKey),
    migrate: asAppRole,
  });
  const app = createApp(runtime.ctx);
  return {
    ...runtime,
    app,
    config,
    databaseName: name,
    databaseUrl: url,
    close: async () => {
      await runtime.handle.close();
      await dropTestDatabase(name);
    },
  };
}

/** The environment a CLI run or a child process needs to work on this test app's database. */
export function testAppEnv(t: TestApp): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    DATA_DIR: t.config.dataDir,
    PII_KEYS: t.config.piiKeys!,
    BLIND_INDEX_KEY: t.config.blindIndexKey!,
    LOG_LEVEL: 'silent',
  };
}
