'use strict';
/**
 * `npm run build`: compiles the API, worker, CLI and migrations with tsc (tsconfig.build.json)
 * into dist/, and copies the files they read at run time relative to their own directory.
 * `node scripts/build.js --if-stale` (what `npm start` and `npm run worker` run first) builds only
 * when dist/ is missing or older than a source file, so a checkout starts with one command and
 * production boots plain JavaScript with no transpiler.
 *
 * Plain JavaScript on purpose: it has to run before anything is compiled.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** Written last, with the time the build started: a source saved during a build is still newer. */
const STAMP = '.build-stamp';
/** Everything that goes into dist/: compiled folders and files, run-time assets, build settings. */
const SOURCES = [
  'src',
  'db',
  'jobs',
  'locales',
  'scripts/cli.ts',
  'scripts/migrate.ts',
  'scripts/create-roles.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];
/** Files read through a path built from __dirname: [source, destination], relative to ROOT / outDir. */
const ASSETS = [
  // src/auth/password-policy.ts reads it beside itself
  ['src/auth/common-passwords.txt', 'src/auth/common-passwords.txt'],
  // src/lib/i18n.ts reads ../../locales from its own directory
  ['locales', 'locales'],
  // src/console/render.ts reads its templates and stylesheet beside itself
  ['src/console/views', 'src/console/views'],
  ['src/console/static', 'src/console/static'],
];

/** The newest modification time (ms) under `p`, a file or a folder; 0 when it does not exist. */
function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its folder's time
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Why `outDir` must be (re)built from the tree at `root`, or null when it is up to date. */
function staleReason(root = ROOT, outDir = path.join(root, 'dist')) {
  let built;
  try {
    built = fs.statSync(path.join(outDir, STAMP)).mtimeMs;
  } catch {
    return `${path.relative(root, outDir) || outDir} has not been built`;
  }
  for (const source of SOURCES) {
    if (newestMtime(path.join(root, source)) > built) return `${source} changed since the last build`;
  }
  return null;
}

/** Compiles the tree at `root` into `outDir` and copies the assets; throws when tsc fails. */
function build(root = ROOT, outDir = path.join(root, 'dist')) {
  const started = new Date();
  fs.rmSync(outDir, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal})`);
  for (const [from, to] of ASSETS) {
    fs.cpSync(path.join(root, from), path.join(outDir, to), { recursive: true });
  }
  const stamp = path.join(outDir, STAMP);
  fs.writeFileSync(stamp, `${started.toISOString()}\n`);
  fs.utimesSync(stamp, started, started);
}

/**
 * Runs `fn` holding `<outDir>.lock`, so two commands started together (`npm start` and
 * `npm run worker`) never compile into the same folder at once; a lock left by a dead process is taken over.
 */
function withBuildLock(outDir, fn) {
  const lock = `${outDir}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lock, 'utf8')) || 0;
      if (!isAlive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Builds `outDir` if it is stale (checked again under the lock: another process may just have built it). */
function buildIfStale(
  root = ROOT,
  outDir = path.join(root, 'dist'),
  log = (m) => process.stderr.write(`${m}\n`),
) {
  if (!staleReason(root, outDir)) return false;
  return withBuildLock(outDir, () => {
    const reason = staleReason(root, outDir);
    if (!reason) return false;
    log(`build: ${reason}; compiling to ${path.relative(root, outDir) || outDir} (npm run build)`);
    build(root, outDir);
    return true;
  });
}

module.exports = { staleReason, build, buildIfStale, SOURCES, STAMP };

if (require.main === module) {
  try {
    if (process.argv.includes('--if-stale')) buildIfStale();
    else withBuildLock(path.join(ROOT, 'dist'), () => build());
  } catch (err) {
    process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
