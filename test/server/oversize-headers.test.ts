import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { spawnServer } from '../helpers/server-process';
import { createTestDatabase, dropTestDatabase } from '../helpers/test-app';

/**
 * What node's HTTP parser refuses never reaches Express, so only the real server shows it: a
 * query string or headers over node's 16 KB limit must still be answered with problem+json.
 */
let child: ChildProcess | undefined;
let port = 0;
let dbName = '';

beforeAll(async () => {
  const db = await createTestDatabase();
  dbName = db.name;
  const server = spawnServer(db.url, { LOG_LEVEL: 'info' });
  child = server.child;
  port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${server.output()}`)), 60000);
    server.child.stdout!.on('data', () => {
      const m = /"port":(\d+)[^\n]*listening/.exec(server.output());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    server.child.on('exit', (code) =>
      reject(new Error(`server exited early (${code}):\n${server.output()}`)),
    );
  });
}, 90000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  if (dbName) await dropTestDatabase(dbName);
});

/** Sends `raw` on a fresh connection and resolves with everything the server wrote back. */
function rawRequest(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
    socket.write(raw);
  });
}

function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], head, body: JSON.parse(body) as Record<string, unknown> };
}

describe('requests the HTTP parser refuses', () => {
  it('answers a query string over 16 KB with a 431 problem+json', async () => {
    const query = 'x'.repeat(20 * 1024);
    const res = parse(await rawRequest(`GET /v1/claims?q=${query} HTTP/1.1\r\nHost: localhost\r\n\r\n`));
    expect(res.statusLine).toMatch(/^HTTP\/1\.1 431 /);
    expect(res.head).toMatch(/content-type: application\/problem\+json/i);
    expect(res.body).toMatchObject({
      status: 431,
      type: 'https://redress.example/problems/headers-too-large',
    });
  }, 30000);

  it('answers headers over 16 KB the same way', async () => {
    const res = parse(
      await rawRequest(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'y'.repeat(20 * 1024)}\r\n\r\n`),
    );
    expect(res.body).toMatchObject({ status: 431 });
  }, 30000);

  it('answers a request line that is not HTTP with a 400 problem+json', async () => {
    const res = parse(await rawRequest('HELLO\r\n\r\n'));
    expect(res.statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(res.body).toMatchObject({ status: 400, type: 'https://redress.example/problems/bad-request' });
  }, 30000);
});
