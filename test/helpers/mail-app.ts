import { deleteQueueKeys, REDIS_URL } from '../jobs/fixtures';
import type { Logger } from '../../src/lib/logger';
import { startTestSmtp, type TestSmtp, type TestSmtpOptions } from './smtp';
import { createTestApp, type TestApp } from './test-app';

/** A test app wired to a real SMTP server and to real Redis under the test file's own queue prefix. */
export interface MailApp {
  t: TestApp;
  smtp: TestSmtp;
  /** Closes the app and the SMTP server and deletes the file's Redis keys (stop jobs first). */
  close(): Promise<void>;
}

export async function startMailApp(
  prefix: string,
  env: Record<string, string> = {},
  options: { logger?: Logger; smtp?: TestSmtpOptions } = {},
): Promise<MailApp> {
  const smtp = await startTestSmtp(options.smtp);
  const t = await createTestApp(
    { REDIS_URL, SMTP_URL: smtp.url, QUEUE_PREFIX: prefix, ...env },
    { logger: options.logger },
  );
  return {
    t,
    smtp,
    close: async () => {
      await t.close();
      await smtp.close();
      await deleteQueueKeys(prefix);
    },
  };
}
