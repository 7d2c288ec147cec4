import crypto from 'node:crypto';
import { benchUser, percentile, type BenchEnv } from './env';

export const title = 'Documents';

/** Files per direction; BENCH_DOCUMENT_ROUNDS=3 for a quick check. */
const ROUNDS = Number(process.env.BENCH_DOCUMENT_ROUNDS ?? 20);
const SIZE = 5 * 1024 * 1024;
const MB = 1024 * 1024;
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function json(res: Response, expected: number): Promise<any> {
  const body = await res.json();
  if (res.status !== expected) throw new Error(`${res.url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A legal aid office's victim with a claim, over HTTP: where the files go. */
async function claimFor(url: string, token: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const victim = await json(
    await fetch(`${url}/v1/victims`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        fullName: 'Bench Document Person',
        preferredLanguage: 'th',
        consent: { shareWithFundAgency: true, contactByEmail: false },
      }),
    }),
    201,
  );
  const claim = await json(
    await fetch(`${url}/v1/claims`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        victimId: victim.id,
        route: 'civil',
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: 'medical_expenses', amount: '1000.00' }],
      }),
    }),
    201,
  );
  return claim.id as string;
}

/**
 * Sequential 5 MB uploads, then downloads of each, through the API as `npm start` runs it
 * (encryption, the PostgreSQL store, the audit event of each read). One client: the figure is
 * per-request throughput, not the server's total.
 */
export async function run(env: BenchEnv): Promise<string> {
  const { token } = await benchUser(env.runtime.ctx.db, {
    role: 'legal_aid',
    kind: 'legal_aid',
    email: 'bench-documents@example.org',
  });
  const api = await env.startApi();
  try {
    const claimId = await claimFor(api.url, token);
    const file = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(SIZE - 9)]);
    const ups: number[] = [];
    const downs: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      const res = await fetch(
        `${api.url}/v1/claims/${claimId}/documents?kind=judgment&filename=bench-${i}.pdf`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
          body: file,
        },
      );
      ids.push((await json(res, 201)).id as string);
      ups.push(performance.now() - started);
    }
    for (const id of ids) {
      const started = performance.now();
      const res = await fetch(`${api.url}/v1/documents/${id}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || !body.equals(file)) throw new Error(`download ${id}: ${res.status}`);
      downs.push(performance.now() - started);
    }
    const row = (label: string, ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const total = ms.reduce((a, b) => a + b, 0) / 1000;
      return `| ${label} | ${fmt((ROUNDS * SIZE) / MB / total, 1)} MB/s | ${fmt(percentile(sorted, 50))} ms | ${fmt(percentile(sorted, 95))} ms |`;
    };
    return [
      `${ROUNDS} files of 5 MB each way, one client, sequential, through the API on PostgreSQL (byte-identical check on every download).`,
      '',
      '| direction | throughput | p50 per file | p95 per file |',
      '|---|---|---|---|',
      row('upload (sniff, encrypt, store, audit)', ups),
      row('download (read, decrypt, audit)', downs),
    ].join('\n');
  } finally {
    await api.stop();
  }
}
