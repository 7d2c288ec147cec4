import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { adminUrl } from '../helpers/pg-admin';

/**
 * `npm test`'s pre-step must leave the machine's PostgreSQL authentication alone: when the
 * server does not let the tests in, it starts a private, socket-only cluster instead of adding
 * `trust` lines to pg_hba.conf.
 */
const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..');
const SCRIPT = path.join(repo, 'scripts', 'ensure-postgres.sh');

/** A URL nothing listens on: the "server refuses us" case, without touching a real server. */
const REFUSING_URL = 'postgres://postgres@127.0.0.1:1/postgres';

function hbaDigests(): Record<string, string> {
  const out: Record<string, string> = {};
  const root = '/etc/postgresql';
  if (!fs.existsSync(root)) return out;
  for (const version of fs.readdirSync(root))
    for (const cluster of fs.readdirSync(path.join(root, version))) {
      const file = path.join(root, version, cluster, 'pg_hba.conf');
      if (fs.existsSync(file))
        out[file] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    }
  return out;
}

function script(args: string[], env: Record<string, string>) {
  const { TEST_DATABASE_URL: _ignored, ...inherited } = process.env;
  return run('bash', [SCRIPT, ...args], { env: { ...inherited, ...env }, timeout: 150_000 });
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-ensure-pg-'));
  // when run as root the cluster belongs to the postgres user, who must reach its directory
  fs.chmodSync(dir, 0o755);
});
afterAll(async () => {
  await script(['--stop'], { REDRESS_TEST_PG_DIR: path.join(dir, 'pg') });
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

it('parses as bash, as does the pre-step that runs it', async () => {
  await run('bash', ['-n', SCRIPT]);
  await run('bash', ['-n', path.join(repo, 'scripts', 'ensure-services.sh')]);
});

it('uses a server that lets the tests in, and forgets a private cluster it no longer needs', async () => {
  const urlFile = path.join(dir, 'stale-url');
  fs.writeFileSync(urlFile, 'postgres://stale@localhost/postgres?host=%2Fnowhere\n');
  await script([], { REDRESS_PG_PROBE_URL: adminUrl(), REDRESS_TEST_URL_FILE: urlFile });
  expect(fs.existsSync(urlFile)).toBe(false);
}, 60_000);

it('starts a private socket-only cluster instead of editing pg_hba.conf when refused', async () => {
  const hbaBefore = hbaDigests();
  const urlFile = path.join(dir, 'url');
  const privateDir = path.join(dir, 'pg');
  const { stdout } = await script([], {
    REDRESS_PG_PROBE_URL: REFUSING_URL,
    REDRESS_TEST_PG_DIR: privateDir,
    REDRESS_TEST_URL_FILE: urlFile,
  });
  expect(stdout).toContain('private PostgreSQL');
  expect(hbaDigests()).toEqual(hbaBefore);

  const url = fs.readFileSync(urlFile, 'utf8').trim();
  expect(new URL(url).searchParams.get('host')).toBe(path.join(privateDir, 'socket'));
  // only its owner may enter the socket's directory: that is what makes its trust safe
  expect(fs.statSync(path.join(privateDir, 'socket')).mode & 0o777).toBe(0o700);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ listen_addresses: string; rolsuper: boolean }>(
      `select current_setting('listen_addresses') as listen_addresses,
              (select rolsuper from pg_roles where rolname = current_user) as rolsuper`,
    );
    expect(rows[0]).toEqual({ listen_addresses: '', rolsuper: true });
  } finally {
    await client.end();
  }
}, 180_000);
