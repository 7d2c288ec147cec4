import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { generateKeyMaterial } from '../../src/lib/crypto';

const ROOT = path.resolve(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `src/server.ts` as `npm start` runs it, on PostgreSQL `databaseUrl` with fresh keys, any port,
 * info logs and no demo data; `env` adds to or overrides that.
 */
export function spawnServer(databaseUrl: string, env: Record<string, string> = {}): ServerProcess {
  const keys = generateKeyMaterial();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: path.join(os.tmpdir(), `redress-server-${process.pid}`),
      PII_KEYS: keys.piiKeys,
      BLIND_INDEX_KEY: keys.blindIndexKey,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Resolves with the port once the server says it listens; rejects if it exits first. */
export function listeningPort(server: ServerProcess, timeoutMs = 40_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${server.output()}`)), timeoutMs);
    const check = () => {
      const m = /"port":(\d+)[^\n]*listening/.exec(server.output());
      if (m) {
        clearTimeout(timer);
        server.child.stdout!.off('data', check);
        resolve(Number(m[1]));
      }
    };
    server.child.stdout!.on('data', check);
    void server.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code}):\n${server.output()}`));
    });
    check();
  });
}
