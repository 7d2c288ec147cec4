import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withBenchEnv, type BenchEnv } from './env';
import * as ledger from './ledger.bench';
import * as claims from './claims.bench';
import * as status from './status.bench';
import * as resilience from './resilience.bench';
import * as coldstart from './coldstart.bench';
import * as documents from './documents.bench';

/**
 * `npm run bench`: runs each benchmark module against a fresh PostgreSQL database (created and
 * migrated here, dropped afterwards) and writes BENCHMARKS.md. Add a module to MODULES to
 * include it; each returns its own Markdown section.
 */
interface BenchModule {
  title: string;
  run(env: BenchEnv): Promise<string>;
}

const ALL_MODULES: Record<string, BenchModule> = { ledger, claims, status, resilience, coldstart, documents };
// BENCH_ONLY=ledger,status (or =resilience, =coldstart) runs just those modules and prints to stdout without touching BENCHMARKS.md.
const ONLY = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const MODULES: BenchModule[] = ONLY
  ? ONLY.map((name) => {
      const m = ALL_MODULES[name];
      if (!m) throw new Error(`BENCH_ONLY: unknown module ${name} (${Object.keys(ALL_MODULES).join(', ')})`);
      return m;
    })
  : Object.values(ALL_MODULES);

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  let pgVersion = 'unknown';
  try {
    pgVersion = execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // pgbench missing: the ledger module will say so
  }
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${pgVersion}`;
}

async function main(): Promise<void> {
  const sections: string[] = [];
  const started = new Date();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  await withBenchEnv(async (env) => {
    for (const m of MODULES) {
      process.stdout.write(`bench: ${m.title}\n`);
      sections.push(`## ${m.title}\n\n${await m.run(env)}\n`);
    }
  });
  const doc = [
    '# Benchmarks',
    '',
    'Reproduce with `npm run bench` (needs PostgreSQL on 127.0.0.1:5432 — or `BENCH_DATABASE_URL` —',
    'and `pgbench`; `BENCH_SECONDS` sets the length of each throughput run, default 8).',
    '',
    `Machine: ${machine()}.`,
    `Run: ${started.toISOString()}; load average at start ${load} (other work on the machine lowers every figure).`,
    '',
    ...sections,
  ].join('\n');
  if (!ONLY) fs.writeFileSync(path.join(process.cwd(), 'BENCHMARKS.md'), doc);
  process.stdout.write(`${doc}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
