import { createLogger, type Logger } from '../../src/lib/logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every line logged so far, as written (JSON). */
  lines: string[];
  /** The lines that contain any of `values` (identifying data that must never be logged). */
  leaking(values: string[]): string[];
}

/** The service's own logger (same redaction) at `level`, writing into memory. */
export function capturedLogs(level = 'info'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    lines,
    leaking: (values) =>
      lines.filter((line) => values.some((v) => line.toLowerCase().includes(v.toLowerCase()))),
  };
}
