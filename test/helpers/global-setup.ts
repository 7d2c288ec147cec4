import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate';
import { adminUrl, withAdminClient } from './pg-admin';

/**
 * Migrates a template database once per run; each test file then clones it (CREATE DATABASE …
 * TEMPLATE …), which takes milliseconds and isolates files from each other.
 */
export default async function globalSetup(): Promise<void> {
  const template = `redress_tpl_${process.pid}`;
  await withAdminClient(async (c) => {
    await c.query(`drop database if exists ${template}`);
    await c.query(`create database ${template}`);
  });
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: adminUrl(template), max: 2 }) }),
  });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  process.env.REDRESS_TEST_TEMPLATE = template;
  process.env.REDRESS_TEST_RUN = String(process.pid);
}
