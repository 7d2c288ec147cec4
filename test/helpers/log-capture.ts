import { createLogger, type Logger } from '../../src/lib/logger';

/** A real pino logger (the app's redaction rules) whose output lines a test can read and grep. */
export function captureLogs(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(level, {
    write(chunk: string) {
      lines.push(...chunk.split('\n').filter((l) => l !== ''));
    },
  });
  return { logger, lines };
}
