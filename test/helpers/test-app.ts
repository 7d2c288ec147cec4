import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import { loadConfig, type Config } from '../../src/config';
import { parseKeyRing, generateKeyMaterial } from '../../src/lib/crypto';
import { createLogger, type Logger } from '../../src/lib/logger';
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

/** `options.logger`: log there instead (e.g. capturedLogs() to check what a test logged). */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestApp> {
  const { name, url } = await createTestDatabase();
  const keys = generateKeyMaterial();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
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
    migrate: false,
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
