import { parse } from 'csv-parse/sync';

/**
 * Parses a downloaded CSV strictly as RFC 4180 (csv-parse, no relaxing): every record ends in
 * CRLF, quotes only around whole fields, every row as wide as the header. Returns the header
 * and the rows as objects keyed by it.
 */
export function parseCsv(text: string): { header: string[]; rows: Array<Record<string, string>> } {
  if (!text.startsWith('\uFEFF')) throw new Error('the CSV does not start with a UTF-8 byte-order mark');
  const body = text.slice(1);
  if (body.length > 0 && !body.endsWith('\r\n')) throw new Error('the last record does not end in CRLF');
  // a bare LF outside quotes would be a record break that is not CRLF
  const records: string[][] = parse(body, {
    record_delimiter: '\r\n',
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
  });
  const [header = [], ...rest] = records;
  return {
    header,
    rows: rest.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))),
  };
}
