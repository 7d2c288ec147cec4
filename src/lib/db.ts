import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { inheritChainKeys } from './chain-keys';
import type { Database } from './database';
import { laneGatedPool } from './db-lanes';
import { createPglitePool } from './pglite-pool';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

// Money is bigint minor units: int8 and numeric must never pass through a JS number.
// Dates stay 'YYYY-MM-DD' strings: a Date object would shift them by the server's time zone.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v) => v);
pg.types.setTypeParser(NUMERIC, (v) => v);
pg.types.setTypeParser(DATE, (v) => v);

/** What opening the database reads of the configuration (config.ts's Config has it all). */
export interface DatabaseSettings {
  dataDir: string;
  databaseUrl: string | undefined;
  dbPoolMax: number;
  dbPoolReadReserve: number;
  dbPoolAcquireTimeoutMs: number;
  dbStatementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  txSettings: { lockTimeoutMs: number; idleInTransactionTimeoutMs: number };
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseSettings): Promise<DbHandle> {
  const txSettings = {
    lockTimeoutMs: config.lockTimeoutMs,
    idleInTransactionTimeoutMs: config.idleInTransactionTimeoutMs,
  };
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.dbPoolMax,
      // A request waits this long for a connection, then is told 503 database-busy.
      connectionTimeoutMillis: config.dbPoolAcquireTimeoutMs,
      // Set once per connection rather than per transaction: the same protection (a stuck lock
      // becomes an error, an abandoned transaction is ended, a runaway statement is cancelled)
      // without a round trip per BEGIN.
      options: `-c lock_timeout=${txSettings.lockTimeoutMs} -c idle_in_transaction_session_timeout=${txSettings.idleInTransactionTimeoutMs} -c statement_timeout=${config.dbStatementTimeoutMs}`,
    });
    // An idle client whose connection dies (server restart, terminated backend, a database
    // dropped WITH (FORCE) just after pool.end()) emits 'error' on the pool, which crashes the
    // process without a listener. The pool has already dropped that client; the next query
    // opens a new one.
    pool.on('error', () => undefined);
    // At least one: a pool opened smaller than configured (the migration owner's, one
    // connection) must still write.
    const writerSlots = Math.max(1, config.dbPoolMax - config.dbPoolReadReserve);
    const gated = laneGatedPool(pool, writerSlots, config.dbPoolAcquireTimeoutMs);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: gated }) });
    return { db, kind: 'postgres', txSettings, close: () => db.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = path.join(config.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir, {
    // A trial's data fits in 16 MB of buffers; WASM memory never shrinks, so the default 128 MB
    // would stay in the process for good (measured: ~90 MB less RSS after a restart).
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
    parsers: { [INT8]: (v: string) => v, [NUMERIC]: (v: string) => v, [DATE]: (v: string) => v },
  });
  await pglite.exec(
    `set lock_timeout = ${txSettings.lockTimeoutMs}; set idle_in_transaction_session_timeout = ${txSettings.idleInTransactionTimeoutMs}`,
  );
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPglitePool(pglite) }) });
  return { db, kind: 'pglite', txSettings, close: () => db.destroy() };
}

/**
 * The one way to open a transaction. Every connection carries lock_timeout,
 * idle_in_transaction_session_timeout and (PostgreSQL) statement_timeout (see openDatabase), so,
 * as in pg-boss, a stuck lock becomes an error the caller sees (a 503 with Retry-After over
 * HTTP, see databaseBusyOf), never a request that hangs forever.
 */
export async function transact<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => {
    // Writers inside the transaction sign their rows (recordAudit's write proof) with the handle's keys.
    inheritChainKeys(db, trx);
    return fn(trx);
  });
}
