import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../../src/app';
import { buildRuntime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { generateKeyMaterial, parseKeyRing } from '../../src/lib/crypto';
import { benchUser, percentile } from './env';
import { createLogger } from '../../src/lib/logger';

/**
 * Claims benchmark: list latency with 100,000 claims in one organization (the worst case for
 * the organization-scoped indexes) and create-claim throughput over HTTP. Self-contained: it
 * makes its own database (dropped afterwards) next to the one in BENCH_DATABASE_URL /
 * TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 *
 *   runClaimsBench() → { '<label>': '<figure>', ... }   (one line each in BENCHMARKS.md)
 */
export interface ClaimsBenchOptions {
  claims?: number;
  listRequests?: number;
  createSeconds?: number;
  concurrency?: number;
}

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

function serverUrl(database: string): string {
  const url = new URL(
    process.env.BENCH_DATABASE_URL ??
      process.env.TEST_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
  );
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timeRequests(base: string, auth: string, paths: string[], n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${base}${paths[i % paths.length]}`, { headers: { authorization: auth } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`list answered ${res.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export async function runClaimsBench(options: ClaimsBenchOptions = {}): Promise<Record<string, string>> {
  const total = options.claims ?? 100_000;
  const listRequests = options.listRequests ?? 300;
  const createSeconds = options.createSeconds ?? 10;
  const concurrency = options.concurrency ?? 8;
  const database = `redress_bench_claims_${process.pid}`;
  await admin(`drop database if exists ${database} with (force)`);
  await admin(`create database ${database}`);
  const keys = generateKeyMaterial();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: serverUrl(database),
    DATA_DIR: path.join(os.tmpdir(), database),
    LOG_LEVEL: 'silent',
    DB_POOL_MAX: '10',
    PII_KEYS: keys.piiKeys,
    BLIND_INDEX_KEY: keys.blindIndexKey,
  });
  const runtime = await buildRuntime(config, {
    logger: createLogger('silent'),
    keys: parseKeyRing(keys.piiKeys, keys.blindIndexKey),
  });
  const { db, cipher } = runtime.ctx;
  const server = createApp(runtime.ctx).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { orgId, userId, token } = await benchUser(db, {
      role: 'legal_aid',
      kind: 'legal_aid',
      email: 'bench@bench.example',
    });
    const org = { id: orgId };
    const user = { id: userId };
    const auth = `Bearer ${token}`;

    // 1,000 victims (one ciphertext reused: the list never decrypts), 100 claims each.
    const name = cipher.encrypt('victims.full_name', 'Bench Victim');
    const ref = (prefix: string, expr: string) =>
      `'${prefix}-' || ${Array.from({ length: 8 }, (_, k) => `substr('${ALPHABET}', ((${expr} / ${30 ** k}) % 30)::int + 1, 1)`).join(' || ')}`;
    await sql`insert into victims (organization_id, reference, full_name_enc, preferred_language,
        consent_share_with_fund_agency, consent_contact_by_email, created_by)
      select ${org.id}, ${sql.raw(ref('V', 'i'))}, ${name}, 'th', true, false, ${user.id}
      from generate_series(1, 1000) i`.execute(db);
    await sql`insert into claims (reference, victim_id, organization_id, route, mode, jurisdiction, currency,
        status, status_since, filed_on, assignee_id, created_by)
      select ${sql.raw(ref('C', 'g.i'))}, v.id, ${org.id},
        (array['civil','labour','criminal'])[g.i % 3 + 1],
        case when g.i % 3 = 2 then 'compensation_order' end, 'PH', 'PHP',
        (array['filed','filed','complaint'])[g.i % 3 + 1],
        current_date - (g.i % 400), current_date - (g.i % 400), ${user.id}, ${user.id}
      from generate_series(1, ${total}) g(i)
      join (select id, row_number() over (order by id) - 1 as n from victims) v on v.n = g.i % 1000`.execute(
      db,
    );
    await sql`insert into claim_heads (claim_id, head, claimed_minor)
      select id, 'unpaid_wages', 100000 + seq from claims`.execute(db);
    await sql`insert into claim_deadlines (claim_id, kind, due_on, basis)
      select id, 'decision', filed_on + 90, 'bench' from claims where route = 'labour'`.execute(db);
    await sql`analyze`.execute(db);

    const results: Record<string, string> = {};
    const firstPage = (await (
      await fetch(`${base}/v1/claims?limit=50`, { headers: { authorization: auth } })
    ).json()) as {
      nextCursor: string;
    };
    const scenarios: Array<[string, string[]]> = [
      ['newest 50', ['/v1/claims?limit=50', `/v1/claims?limit=50&cursor=${firstPage.nextCursor}`]],
      [
        'route + status filter',
        [
          '/v1/claims?limit=50&route=labour&status=filed',
          '/v1/claims?limit=50&route=criminal&status=complaint',
        ],
      ],
      ['deadline within 30 days', ['/v1/claims?limit=50&deadlineWithinDays=30']],
    ];
    await timeRequests(base, auth, ['/v1/claims?limit=50'], 30); // warm-up
    for (const [label, paths] of scenarios) {
      const t = await timeRequests(base, auth, paths, listRequests);
      results[`Claim list p95, ${total.toLocaleString('en')} claims, ${label} (GET /v1/claims)`] =
        `${ms(percentile(t, 95))} (p50 ${ms(percentile(t, 50))}, n=${t.length}, target < 50 ms)`;
    }

    const victims = (await db.selectFrom('victims').select('id').limit(100).execute()).map((v) => v.id);
    const deadline = Date.now() + createSeconds * 1000;
    let created = 0;
    let failed = 0;
    const client = async (k: number) => {
      for (let i = k; Date.now() < deadline; i += concurrency) {
        const res = await fetch(`${base}/v1/claims`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            victimId: victims[i % victims.length],
            route: 'labour',
            jurisdiction: 'PH',
            currency: 'PHP',
            heads: [{ head: 'unpaid_wages', amount: '12500.00' }],
          }),
        });
        await res.arrayBuffer();
        if (res.status === 201) created++;
        else failed++;
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, (_, k) => client(k)));
    const seconds = (Date.now() - started) / 1000;
    results[`Create claim throughput (POST /v1/claims over HTTP, ${concurrency} concurrent clients)`] =
      `${(created / seconds).toFixed(0)} claims/s (${created} in ${seconds.toFixed(1)} s, ${failed} failed)`;
    return results;
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await runtime.handle.close();
    await admin(`drop database if exists ${database} with (force)`);
  }
}

if (require.main === module) {
  runClaimsBench().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) process.stdout.write(`${k}: ${v}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
