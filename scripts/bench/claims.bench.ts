import { runClaimsBench } from './claims';

/** Claim list latency over 100,000 claims and create-claim throughput, as a BENCHMARKS.md section. */
export const title = 'Claims';

export async function run(): Promise<string> {
  const figures = await runClaimsBench();
  const rows = Object.entries(figures).map(([label, value]) => `| ${label} | ${value} |`);
  return [
    'Own database with 100,000 claims in one organization (list target: p95 < 50 ms).',
    '',
    '| figure | result |',
    '|---|---|',
    ...rows,
  ].join('\n');
}
