import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** RCPT TO addresses, as the SMTP client sent them. */
  envelopeTo: string[];
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  raw: Buffer;
}

export interface TestSmtpOptions {
  /**
   * Refuse every RCPT TO (true) or those the function picks with 550, echoing the address as
   * real servers do.
   */
  rejectRecipients?: boolean | ((address: string) => boolean);
}

export interface TestSmtp {
  port: number;
  /** For SMTP_URL. */
  url: string;
  /** Every message received so far, in arrival order (across stop/start). */
  messages: ReceivedMail[];
  /** Resolves with the first message matching `predicate`, now or when it arrives. */
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Resolves once at least `count` messages have arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Stops listening: clients get "connection refused" until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port (nothing happens if it is listening). */
  start(): Promise<void>;
  /** From now on refuse (or accept again) every recipient, or those the function picks. */
  setRejectRecipients(reject: NonNullable<TestSmtpOptions['rejectRecipients']>): void;
  close(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1, no TLS, no authentication. */
export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  let rejectRecipients = options.rejectRecipients ?? false;
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let server: SMTPServer | undefined;
  let port = 0;

  const listen = async () => {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 200,
      onRcptTo(address, _session, callback) {
        const reject =
          typeof rejectRecipients === 'function' ? rejectRecipients(address.address) : rejectRecipients;
        if (!reject) return callback();
        const err = new Error(`<${address.address}>: Recipient address rejected: User unknown`);
        callback(Object.assign(err, { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          // Answer 250 only once the message is in `messages`, so a sender that got its
          // acknowledgement can already find it here.
          simpleParser(raw).then(
            (parsed) => {
              messages.push({
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                to: addresses(parsed.to),
                from: addresses(parsed.from)[0] ?? '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                messageId: parsed.messageId ?? '',
                raw,
              });
              for (const wake of waiters) wake();
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    // A client that dies mid-session (a SIGKILLed worker) resets its socket: not our failure.
    s.on('error', () => undefined);
    if (port !== 0) {
      await listenOn(s, port);
    } else {
      port = await listenOnFreshPort(s);
    }
    server = s;
  };
  const unlisten = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const done = check();
      if (done !== undefined) return resolve(done);
      const wake = () => {
        const found = check();
        if (found !== undefined) {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`SMTP: ${what} within ${timeoutMs} ms (received ${messages.length})`));
      }, timeoutMs);
      waiters.add(wake);
    });

  await listen();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor: (predicate, timeoutMs = 10_000) =>
      waitUntil(() => messages.find(predicate), timeoutMs, 'no matching message'),
    waitForCount: (count, timeoutMs = 10_000) =>
      waitUntil(
        () => (messages.length >= count ? [...messages] : undefined),
        timeoutMs,
        `fewer than ${count} messages`,
      ),
    stop: unlisten,
    start: async () => {
      if (!server) await listen();
    },
    setRejectRecipients: (reject) => {
      rejectRecipients = reject;
    },
    close: unlisten,
  };
}

/**
 * The first port comes from a block of this jest worker's own, below the kernel's ephemeral
 * range: while a test has the server stopped ("SMTP is down"), neither another test file's
 * listen(0) nor an outgoing connection can be handed the same port, so "down" stays down and
 * `start()` gets its port back.
 */
const PORT_BLOCK_BASE = 20_000;
const PORT_BLOCK_SIZE = 400;

async function listenOnFreshPort(s: SMTPServer): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? '0');
  const base = PORT_BLOCK_BASE + (worker % 30) * PORT_BLOCK_SIZE;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = base + Math.floor(Math.random() * PORT_BLOCK_SIZE);
    try {
      await listenOn(s, port);
      return port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  await listenOn(s, 0); // the block is crowded: fall back to any free port
  return (s.server.address() as AddressInfo).port;
}

function listenOn(s: SMTPServer, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    s.server.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      s.server.off('error', reject);
      resolve();
    });
  });
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter((a) => a !== '');
}
