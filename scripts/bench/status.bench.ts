import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
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

export async function run(env: BenchEnv): Promise<string> {
  const token = await legalAidToken(env);
  const api = await env.startApi();
  try {
    process.stdout.write(`  ${VICTIMS} victims with claims and access codes...\n`);
    const bodies = await victims(api.url, token);
    await checks(api.url, bodies, 2); // warm-up: connections, JIT, catalogs
    process.stdout.write(`  POST /v1/status, ${CONNECTIONS} connections (autocannon)...\n`);
    const r = await checks(api.url, bodies, SECONDS);
    const ms = (v: number) => `${fmt(v, 1)} ms`;
    return [
      `Run: ${SECONDS} s. ${VICTIMS} victims with 2 claims each, every request the right code; PostgreSQL, the API and the load generator share the machine.`,
      '',
      '| figure | result |',
      '|---|---|',
      `| status checks (POST /v1/status), ${CONNECTIONS} concurrent clients | **${fmt(r.rps)} checks/s** |`,
      `| latency | p50 ${ms(r.p50)}, **p95 ${ms(r.p95)}**, p99 ${ms(r.p99)} |`,
      `| non-2xx / errors | ${r.non2xx} / ${r.errors} |`,
      '',
      'Each check reads the two guard rows, looks the reference up with its code hash (HMAC-SHA256),',
      'and reads the claims with their award and payment sums; a right code writes nothing.',
    ].join('\n');
  } finally {
    await api.stop();
  }
}
