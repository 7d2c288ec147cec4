import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildIfStale } from '../build';
import { freePort, type BenchEnv } from './env';

export const title = 'Cold start';

/**
 * Spawn → first 200 from /healthz, on the migrated bench database in production mode: what a
 * restart after a crash costs before the API answers again. The compiled start (`node
 * dist/src/server.js`, what `npm start` runs once built) beside the old one (`tsx src/server.ts`,
 * which transpiles at boot), alternating so load on the machine falls on both alike.
 */

const ROUNDS = Number(process.env.BENCH_COLDSTART_ROUNDS ?? 7);
const ROOT = path.resolve(__dirname, '../..');
const VARIANTS = {
  'compiled: `node dist/src/server.js`': () => [process.execPath, 'dist/src/server.js'],
  'old: `tsx src/server.ts`': () => [path.join(ROOT, 'node_modules/.bin/tsx'), 'src/server.ts'],
} satisfies Record<string, () => string[]>;

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Milliseconds from spawning `command` to its first healthy /healthz. */
async function coldStart(command: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const deadline = started + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() > deadline) throw new Error(`${command.join(' ')} did not become healthy`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await stop(child);
  }
}

const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;

export async function run(env: BenchEnv): Promise<string> {
  buildIfStale(ROOT);
  const times = new Map<string, number[]>(Object.keys(VARIANTS).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, command] of Object.entries(VARIANTS)) {
      times.get(name)!.push(await coldStart(command(), env.apiEnv));
    }
  }
  const rows = [...times].map(([name, t]) => {
    const sorted = [...t].sort((a, b) => a - b);
    return `| ${name} | ${ms(sorted[Math.floor(sorted.length / 2)]!)} | ${ms(sorted[0]!)} | ${ms(sorted.at(-1)!)} |`;
  });
  return [
    `Time from spawning the API to its first healthy \`/healthz\` (PostgreSQL, NODE_ENV=production), ${ROUNDS} starts of each, alternating.`,
    '',
    '| start | median | fastest | slowest |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
