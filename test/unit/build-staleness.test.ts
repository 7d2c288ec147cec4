import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STAMP, staleReason } from '../../scripts/build';

/** When `npm start` rebuilds dist/: the stamp the last build left against every source's time. */
describe('build staleness (npm start rebuilds dist/ when a source is newer)', () => {
  let root: string;
  let outDir: string;
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
  const touch = (file: string, seconds: number) => fs.utimesSync(file, at(seconds), at(seconds));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-stale-'));
    outDir = path.join(root, 'dist');
    fs.mkdirSync(path.join(root, 'src/lib'), { recursive: true });
    fs.mkdirSync(path.join(root, 'locales/en'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src/lib/a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(root, 'src/lib/b.ts'), 'export const b = 2;\n');
    fs.writeFileSync(path.join(root, 'locales/en/common.json'), '{}\n');
    fs.writeFileSync(path.join(root, 'tsconfig.json'), '{}\n');
    for (const p of [
      'src/lib/a.ts',
      'src/lib/b.ts',
      'src/lib',
      'src',
      'locales/en/common.json',
      'locales/en',
      'locales',
      'tsconfig.json',
    ])
      touch(path.join(root, p), 10);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function stampAt(seconds: number): void {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, STAMP), '');
    touch(path.join(outDir, STAMP), seconds);
  }

  it('is stale when dist/ was never built', () => {
    expect(staleReason(root, outDir)).toMatch(/has not been built/);
  });

  it('is up to date when the last build started after every source changed', () => {
    stampAt(20);
    expect(staleReason(root, outDir)).toBeNull();
  });

  it('is stale when a source file is newer than the build', () => {
    stampAt(20);
    touch(path.join(root, 'src/lib/b.ts'), 30);
    expect(staleReason(root, outDir)).toBe('src changed since the last build');
  });

  it('is stale when a run-time asset or the compiler settings are newer', () => {
    stampAt(20);
    touch(path.join(root, 'locales/en/common.json'), 30);
    expect(staleReason(root, outDir)).toBe('locales changed since the last build');
    touch(path.join(root, 'locales/en/common.json'), 10);
    touch(path.join(root, 'tsconfig.json'), 30);
    expect(staleReason(root, outDir)).toBe('tsconfig.json changed since the last build');
  });

  it('is stale when a source file was deleted since the build', () => {
    stampAt(20);
    fs.rmSync(path.join(root, 'src/lib/b.ts')); // only its folder's time tells
    expect(staleReason(root, outDir)).toBe('src changed since the last build');
  });
});
