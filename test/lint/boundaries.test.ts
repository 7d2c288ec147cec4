import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const FIXTURE = path.join(ROOT, 'test/fixtures/boundaries');
// A busy machine may take long to start the TypeScript parser: generous, never a race.
const RUN_TIMEOUT_MS = 240_000;

interface Run {
  code: number;
  output: string;
}

/** `depcruise src` in `cwd` with the project's config, as `npm run lint` runs it. */
function depcruise(cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', '--config', CONFIG],
      { cwd, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number')
          return reject(new Error('depcruise did not run to the end', { cause: err }));
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('npm run lint keeps dependencies pointing one way', () => {
  it('runs dependency-cruiser on src with .dependency-cruiser.cjs after eslint', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.lint).toMatch(/^eslint .+ && depcruise src --config \.dependency-cruiser\.cjs$/);
  });

  it(
    'fails on one deliberate violation of each boundary rule, and names each',
    async () => {
      const run = await depcruise(FIXTURE);
      expect(run.code).not.toBe(0);
      const reported = run.output.split('\n').filter((line) => /^\s*error /.test(line));
      expect(reported.map((line) => line.trim()).sort()).toEqual(
        [
          'error ledger-imports-no-upper-domain: src/ledger/ledger.ts → src/victims/victims.ts',
          'error lib-imports-no-domain: src/lib/clock.ts → src/context.ts',
          'error lib-imports-no-domain: src/lib/clock.ts → src/funds/funds.ts',
          'error no-domain-cycles: src/claims →',
          'error no-domain-cycles: src/victims →',
          'error no-foreign-http: src/claims/claims.ts → src/funds/funds.http.ts',
        ].sort(),
      );
      // The folder cycle is claims/claims.ts → victims/victims.ts and victims/victim-claims.ts →
      // claims/rules.ts: no file imports back the one that imports it, the folders still do.
      expect(run.output).toMatch(/no-domain-cycles: src\/claims → \n\s+src\/victims →\n\s+src\/claims/);
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it(
    'passes on the real src tree',
    async () => {
      const run = await depcruise(ROOT);
      expect(run.output).toContain('no dependency violations found');
      expect(run.code).toBe(0);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
