import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    // Never log credentials or identifying data, even by accident.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.accessCode', '*.token'],
      censor: '[redacted]',
    },
  });
}
