import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOURCES } from '../../scripts/build';
import { listeningPort, type ServerProcess } from '../helpers/server-process';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The compiled production start, on a temporary copy of the tree (so the build never races a
 * developer's dist/ or another jest worker): `npm run build` output serves /healthz on the
 * embedded default with plain `node`, and `npm start` rebuilds when a source file is newer.
 */
describe('compiled output (npm run build, npm start)', () => {
  let tree: string;
  let dataDir: string;

  beforeAll(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-build-'));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-build-data-'));
    for (const p of [...SOURCES, 'package.json', 'scripts/build.js'])
      fs.cpSync(path.join(ROOT, p), path.join(tree, p), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(tree, 'node_modules'));
  });
  afterAll(() => {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The embedded default: no PostgreSQL, Redis or SMTP configured, data in a temporary folder. */
  function embeddedEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'PII_KEYS', 'BLIND_INDEX_KEY', 'NODE_ENV'])
      delete env[k];
    env.DEMO_DATA = 'false';
    env.LOG_LEVEL = 'info';
    return env;
  }

  /** Runs `command` in the copy (in its own process group, so npm and its child stop together). */
  function start(command: string, args: string[]): ServerProcess {
    const child = spawn(command, args, {
      cwd: tree,
      env: embeddedEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => out, exited };
  }

  async function stop(server: ServerProcess): Promise<void> {
    if (server.child.exitCode === null) process.kill(-server.child.pid!, 'SIGTERM');
    await server.exited;
  }

  /** The command line of the process that logged it listens: compiled JavaScript, no transpiler. */
  function listenerCommandLine(server: ServerProcess): string {
    const pid = /"pid":(\d+)[^\n]*listening/.exec(server.output())![1];
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  }

  /** Whether process `pid` still runs (a zombie waiting for its parent to reap it does not). */
  function running(pid: string): boolean {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0] !== 'Z';
    } catch {
      return false;
    }
  }

  async function healthz(port: number): Promise<number> {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
  }

  it('npm run build output serves /healthz with node and no transpiler', async () => {
    const build = start('npm', ['run', 'build']);
    expect(await build.exited).toBe(0);
    expect(fs.existsSync(path.join(tree, 'dist/src/auth/common-passwords.txt'))).toBe(true);
    expect(fs.existsSync(path.join(tree, 'dist/locales/en'))).toBe(true);

    const server = start(process.execPath, ['dist/src/server.js']);
    try {
      const port = await listeningPort(server, 120_000);
      expect(await healthz(port)).toBe(200);
      const cmd = listenerCommandLine(server);
      expect(cmd).toContain('dist/src/server.js');
      expect(cmd).not.toMatch(/tsx/);
    } finally {
      await stop(server);
    }
  }, 300_000);

  it('npm start rebuilds dist/ when a source file is newer, then runs it', async () => {
    const marker = `// rebuilt ${process.pid}\n`;
    fs.appendFileSync(path.join(tree, 'src/server.ts'), marker);
    const server = start('npm', ['start']);
    try {
      const port = await listeningPort(server, 240_000);
      expect(server.output()).toContain('build: src changed since the last build');
      expect(fs.readFileSync(path.join(tree, 'dist/src/server.js'), 'utf8')).toContain(marker.trim());
      expect(await healthz(port)).toBe(200);
      expect(listenerCommandLine(server)).toMatch(/^\S*node\S* dist\/src\/server\.js/);
      // npm's own child (the script execs it, no shell between): npm's SIGTERM reaches it and it drains
      const pid = /"pid":(\d+)[^\n]*listening/.exec(server.output())![1];
      const ppid = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1];
      expect(Number(ppid)).toBe(server.child.pid);
      server.child.kill('SIGTERM');
      // npm may exit before its child has drained: wait for the server process itself to go
      for (let i = 0; running(pid!) && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
      expect(running(pid!)).toBe(false);
      expect(server.output()).toMatch(/"signal":"SIGTERM"[^\n]*shutting down/);
    } finally {
      await stop(server);
    }
  }, 300_000);
});
