import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';

/** One e-mail, already rendered. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Names one send so that repeating it repeats the same message: the key names the .eml file
 * (a retry overwrites it) and, with `unique`, forms the Message-ID (a receiving system that
 * gets a resend after a crash sees the same id). `unique` tells apart two databases whose
 * outbox ids both start at 1.
 */
export interface MailKey {
  key: string;
  unique: string;
}

export interface SentMail {
  messageId: string;
  /** What to keep in outbox_deliveries.detail: where it went, never the content. */
  detail: string;
}

export interface Mailer {
  kind: 'smtp' | 'file';
  send(message: MailMessage, key: MailKey): Promise<SentMail>;
  close(): void;
}

// A send must end well inside PostgreSQL's idle-in-transaction timeout: the job holds its
// outbox row lock while it sends (jobs/execute.ts).
const SEND_DEADLINE_MS = 20_000;

/** nodemailer over SMTP_URL, or .eml files in DATA_DIR/mail when it is unset (embedded mode). */
export function createMailer(config: Config): Mailer {
  const domain = messageIdDomain(config.publicUrl);
  const messageId = (key: MailKey) => `<${key.key}.${key.unique}@${domain}>`;
  const base = (message: MailMessage, key: MailKey) => ({
    from: config.mailFrom,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: messageId(key),
  });

  if (config.smtpUrl) {
    const transport = nodemailer.createTransport({
      url: config.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: SEND_DEADLINE_MS,
      // Messages are built from our own templates: never let a field make nodemailer read a
      // local file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return {
      kind: 'smtp',
      async send(message, key) {
        const info = await transport.sendMail({
          ...base(message, key),
          signal: AbortSignal.timeout(SEND_DEADLINE_MS),
        });
        const accepted = (info.accepted ?? []).length;
        if (accepted === 0) {
          // Shaped as nodemailer's own envelope errors, and without the reply (it names the
          // recipient): see delivery-errors.ts.
          const reply = Number.parseInt(String(info.response), 10);
          throw Object.assign(new Error('SMTP server accepted no recipient'), {
            code: 'EENVELOPE',
            command: 'RCPT TO',
            responseCode: Number.isNaN(reply) ? undefined : reply,
          });
        }
        return { messageId: messageId(key), detail: `smtp ${String(info.response).slice(0, 200)}` };
      },
      close: () => transport.close(),
    };
  }

  const dir = path.join(config.dataDir, 'mail');
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    kind: 'file',
    async send(message, key) {
      const info = await transport.sendMail(base(message, key));
      const file = path.join(dir, `${safeFileName(key.key)}.eml`);
      await fs.mkdir(dir, { recursive: true });
      // Write then rename: a reader never sees half a file, and a retry replaces the first one.
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, info.message as Buffer);
      await fs.rename(tmp, file);
      return { messageId: messageId(key), detail: `file ${path.basename(file)}` };
    },
    close: () => transport.close(),
  };
}

function messageIdDomain(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || 'redress.local';
  } catch {
    return 'redress.local';
  }
}

function safeFileName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_');
}
