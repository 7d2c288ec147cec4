import pino, { type Logger } from 'pino';

export type { Logger };

/** `destination`: where the lines go (stdout unless given; tests capture them). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      // Never log credentials or identifying data, even by accident.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.accessCode', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
