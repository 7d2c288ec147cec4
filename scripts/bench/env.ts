import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { generateKeyMaterial, parseKeyRing } from '../../src/lib/crypto';
import { createLogger } from '../../src/lib/logger';
import { hashToken, newToken, type Role } from '../../src/lib/auth';

/** What every benchmark module gets: a fresh, migrated database and a way to start the API. */
export interface BenchEnv {
  databaseUrl: string;
  runtime: Runtime;
  /** The environment startApi gives the API (database, keys, log level), for a module that spawns its own. */
  apiEnv: Record<string, string>;
  /** The API as `npm start` runs it, with `extraEnv` (e.g. WEB_CONCURRENCY) on top. */
  startApi(extraEnv?: Record<string, string>): Promise<Api>;
}

export interface Api {
  url: string;
  pid: number;
  /** Peak resident set size of the API process so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlFor(db: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

/** A port nothing listens on right now (bench servers and child processes). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The p-th percentile (nearest rank) of ascending samples. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function withBenchEnv<T>(fn: (env: BenchEnv) => Promise<T>): Promise<T> {
  const name = `redress_bench_${process.pid}`;
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const databaseUrl = urlFor(name);
  const keys = generateKeyMaterial();
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PII_KEYS: keys.piiKeys,
    BLIND_INDEX_KEY: keys.blindIndexKey,
    // Required in production (the bench runs as production): signs the audit and ledger chains.
    CHAIN_KEYS: `bench:${crypto.randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(os.tmpdir(), name),
  };
  const config = loadConfig({ ...env, DB_POOL_MAX: '20' });
  const runtime = await buildRuntime(config, {
    logger: createLogger('warn'),
    keys: parseKeyRing(keys.piiKeys, keys.blindIndexKey),
    migrate: false,
  });
  await migrateToLatest(runtime.ctx.db);
  const children: ChildProcess[] = [];
  try {
    return await fn({
      databaseUrl,
      runtime,
      apiEnv: env,
      async startApi(extraEnv = {}) {
        const port = await freePort();
        // BENCH_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the API under load.
        const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
        const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'src/server.ts'], {
          env: { ...process.env, ...env, ...extraEnv, PORT: String(port), HOST: '127.0.0.1' },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        children.push(child);
        const url = `http://127.0.0.1:${port}`;
        for (let i = 0; ; i++) {
          if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
          try {
            if ((await fetch(`${url}/readyz`)).ok) break;
          } catch {
            // not listening yet
          }
          if (i > 200) throw new Error('API did not become ready');
          await new Promise((r) => setTimeout(r, 100));
        }
        return {
          url,
          pid: child.pid!,
          peakRssMb: () => {
            const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            return m ? Number(m[1]) / 1024 : NaN;
          },
          stop: () =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        };
      },
    });
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await runtime.handle.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}

/** An organization, a user of `role` in it and a live bearer token: what every bench signs in as. */
export async function benchUser(
  db: Runtime['ctx']['db'],
  options: { role: Role; kind: 'legal_aid' | 'fund_agency'; email: string },
): Promise<{ orgId: string; userId: string; token: string }> {
  const org = await db
    .insertInto('organizations')
    .values({ name: `Bench ${options.kind}`, kind: options.kind })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await db
    .insertInto('users')
    .values({
      email: options.email,
      name: 'Bench',
      password_hash: 'x',
      role: options.role,
      organization_id: org.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = newToken();
  await db
    .insertInto('auth_tokens')
    .values({
      user_id: user.id,
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + 86_400_000),
      revoked_at: null,
    })
    .execute();
  return { orgId: org.id, userId: user.id, token };
}
