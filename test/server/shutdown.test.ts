import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { spawnServer } from '../helpers/server-process';
import { createTestDatabase, dropTestDatabase } from '../helpers/test-app';

/** Resolves once the server says it listens, with its port; rejects if it exits first. */
function startServer(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const server = spawnServer(databaseUrl, { SHUTDOWN_GRACE_MS: '5000' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${server.output()}`)), 25000);
    server.child.stdout!.on('data', () => {
      const m = /"port":(\d+)[^\n]*listening/.exec(server.output());
      if (m) {
        clearTimeout(timer);
        resolve({ child: server.child, port: Number(m[1]) });
      }
    });
    server.child.on('exit', (code) =>
      reject(new Error(`server exited early (${code}):\n${server.output()}`)),
    );
  });
}

describe('graceful shutdown', () => {
  let dbName = '';
  afterAll(async () => {
    if (dbName) await dropTestDatabase(dbName);
  });

  it('finishes a request that is in flight when SIGTERM arrives, then exits 0 and refuses new connections', async () => {
    const db = await createTestDatabase();
    dbName = db.name;
    const { child, port } = await startServer(db.url);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const body = JSON.stringify({ email: 'nobody@example.org', password: 'wrong-password-123' });
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    // Headers and half the body now; the rest only after SIGTERM.
    socket.write(
      `POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));

    const refused = await new Promise<boolean>((resolve) => {
      const probe = net.connect(port, '127.0.0.1');
      probe.on('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);

    socket.write(body.slice(10));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // The in-flight request got a real answer (the login is wrong, so 401 or a 404 before the
    // auth routes exist — anything but a dropped connection or a 5xx).
    expect(response).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(await exited).toBe(0);
  }, 40000);
});
