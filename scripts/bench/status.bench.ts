import type { EventEmitter } from 'node:events';
import http from 'node:http';
import autocannon from 'autocannon';
import { CODE_ALPHABET } from '../../src/status/status';
import { REFERENCE_ALPHABET } from '../../src/victims/reference';
import { benchUser, type BenchEnv } from './env';

export const title = 'Victim status checks';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const VICTIMS = 50;
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function legalAidToken(env: BenchEnv): Promise<string> {
  const { token } = await benchUser(env.runtime.ctx.db, {
    role: 'legal_aid',
    kind: 'legal_aid',
    email: 'bench-status@example.org',
  });
  return token;
}

async function call(url: string, token: string, path: string, body: object): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Victims with two claims each (one with an award) and a live access code, made over HTTP. */
async function victims(url: string, token: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < VICTIMS; i++) {
    const v = await call(url, token, '/v1/victims', {
      fullName: `Bench Person ${i}`,
      preferredLanguage: ['th', 'my', 'km', 'vi', 'id', 'fil', 'en'][i % 7],
      consent: { shareWithFundAgency: true, contactByEmail: false },
    });
    for (const route of ['civil', 'labour'])
      await call(url, token, '/v1/claims', {
        victimId: v.id,
        route,
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: route === 'civil' ? 'pain_and_suffering' : 'unpaid_wages', amount: '25000.00' }],
        filedOn: '2025-06-01',
      });
    const code = await call(url, token, `/v1/victims/${v.id}/access-code`, {});
    bodies.push(JSON.stringify({ reference: code.reference, accessCode: code.accessCode }));
  }
  return bodies;
}

type Result = Awaited<ReturnType<typeof autocannon>>;
// autocannon's promise is also an EventEmitter: 'response' gives each latency, for a true p95.
type Tracker = PromiseLike<Result> & EventEmitter;

async function checks(url: string, bodies: string[], seconds: number) {
  let i = 0;
  const times: number[] = [];
  const tracker = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/status',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: bodies[i++ % bodies.length]!,
        }),
      },
    ],
  }) as unknown as Tracker;
  tracker.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  const result = await tracker;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? NaN;
  return {
    rps: result['2xx'] / result.duration,
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** One POST /v1/status on a kept-alive connection, from `address` (X-Forwarded-For). */
function timedCheck(
  agent: http.Agent,
  url: string,
  body: string,
  address: string,
): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      `${url}/v1/status`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode ?? 0 }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const randomOf = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');

/**
 * The two kinds of "not found" must not be told apart by their timing: a reference that does not
 * exist, and a real reference with a wrong code. Sequential requests, the two kinds interleaved,
 * each from its own address and at most 8 wrong codes per reference (under both lockout limits).
 */
async function notFoundTiming(url: string, bodies: string[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const unknown: number[] = [];
  const wrongCode: number[] = [];
  try {
    for (let i = 0; i < bodies.length * 8; i++) {
      const known = JSON.parse(bodies[i % bodies.length]!) as { reference: string; accessCode: string };
      const code = known.accessCode.replace(
        /[^-]/,
        (c) => CODE_ALPHABET[(CODE_ALPHABET.indexOf(c) + 1) % CODE_ALPHABET.length]!,
      );
      const missing = { reference: `V-${randomOf(REFERENCE_ALPHABET, 8)}`, accessCode: code };
      const address = (k: number) => `10.${(i >> 8) & 255}.${i & 255}.${k}`;
      const a = await timedCheck(agent, url, JSON.stringify(missing), address(1));
      const b = await timedCheck(
        agent,
        url,
        JSON.stringify({ reference: known.reference, accessCode: code }),
        address(2),
      );
      if (a.status !== 404 || b.status !== 404)
        throw new Error(`expected two 404s, got ${a.status} and ${b.status}`);
      unknown.push(a.ms);
      wrongCode.push(b.ms);
    }
  } finally {
    agent.destroy();
  }
  const stats = (t: number[]) => {
    t.sort((x, y) => x - y);
    return { n: t.length, p50: t[Math.floor(t.length * 0.5)]!, p90: t[Math.floor(t.length * 0.9)]! };
  };
  return { unknown: stats(unknown), wrongCode: stats(wrongCode) };
}

export async function run(env: BenchEnv): Promise<string> {
  const token = await legalAidToken(env);
  // Behind a proxy, as in production: the 404 timing figure gives each request its own address.
  const api = await env.startApi({ TRUST_PROXY: 'true' });
  try {
    process.stdout.write(`  ${VICTIMS} victims with claims and access codes...\n`);
    const bodies = await victims(api.url, token);
    await checks(api.url, bodies, 2); // warm-up: connections, JIT, catalogs
    process.stdout.write(`  POST /v1/status, ${CONNECTIONS} connections (autocannon)...\n`);
    const r = await checks(api.url, bodies, SECONDS);
    process.stdout.write('  404 timing: unknown reference against wrong code...\n');
    const nf = await notFoundTiming(api.url, bodies);
    const ms = (v: number) => `${fmt(v, 1)} ms`;
    const ms2 = (v: number) => `${fmt(v, 2)} ms`;
    return [
      `Run: ${SECONDS} s. ${VICTIMS} victims with 2 claims each, every request the right code; PostgreSQL, the API and the load generator share the machine.`,
      '',
      '| figure | result |',
      '|---|---|',
      `| status checks (POST /v1/status), ${CONNECTIONS} concurrent clients | **${fmt(r.rps)} checks/s** |`,
      `| latency | p50 ${ms(r.p50)}, **p95 ${ms(r.p95)}**, p99 ${ms(r.p99)} |`,
      `| non-2xx / errors | ${r.non2xx} / ${r.errors} |`,
      `| 404 for an unknown reference (n=${nf.unknown.n}, sequential) | p50 ${ms2(nf.unknown.p50)}, p90 ${ms2(nf.unknown.p90)} |`,
      `| 404 for a real reference with a wrong code (n=${nf.wrongCode.n}, interleaved) | p50 ${ms2(nf.wrongCode.p50)}, p90 ${ms2(nf.wrongCode.p90)} (${fmt(nf.wrongCode.p50 / nf.unknown.p50, 2)}× at p50) |`,
      '',
      'Each check reads the two guard rows, looks the reference up with its code hash (HMAC-SHA256),',
      'and reads the claims with their award and payment sums; a right code writes nothing. Both',
      '404s run the same queries, one HMAC and the same failure write, so their timings should match.',
    ].join('\n');
  } finally {
    await api.stop();
  }
}
