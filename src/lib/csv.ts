import type { Request, Response } from 'express';
import Joi from 'joi';

/**
 * RFC 4180 CSV, for every list the service lets people download: comma-separated, CRLF line
 * ends, a field quoted when it holds a comma, quote, CR, LF or apostrophe, quotes doubled.
 * UTF-8 with a byte-order mark: without it Excel on Windows reads the file in the local code
 * page and mangles Thai, Khmer and Burmese. A cell a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) gets a leading apostrophe (OWASP, "CSV injection"):
 * these files are opened by lawyers and courts, not only by programs.
 */
export type CsvValue = string | number | bigint | boolean | null | undefined;

export const CSV_BOM = '\uFEFF';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export function csvCell(value: CsvValue): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record with its CRLF. */
export function csvLine(cells: CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A whole small file (header and rows, BOM first). */
export function toCsv(columns: string[], rows: Array<Record<string, CsvValue>>): string {
  return CSV_BOM + csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => r[c]))).join('');
}

/** A column of a list's CSV: its header and how to read it from one JSON item of the list. */
export interface CsvColumn<T> {
  header: string;
  value: (item: T) => CsvValue;
}

/** Columns that copy JSON fields of the same name, as they are. */
export function fieldColumns<T>(...fields: Array<keyof T & string>): Array<CsvColumn<T>> {
  return fields.map((f) => ({ header: f, value: (item: T) => item[f] as CsvValue }));
}

/** The `format` query field every list takes (besides `Accept: text/csv`). */
export const listFormat = Joi.string()
  .valid('json', 'csv')
  .description(
    'csv: the whole list under the same filters (every page, from `cursor` if given) as RFC 4180 CSV; same as Accept: text/csv',
  );

/** `?format=csv`, or no format and an Accept header that prefers text/csv to JSON. */
export function wantsCsv(req: Request, format: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** A page of a list as its JSON answer has it. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Pages of a list under one filter, following `nextCursor` until the last. */
export async function* allPages<T>(
  firstCursor: string | undefined,
  page: (cursor: string | undefined) => Promise<ListPage<T>>,
): AsyncGenerator<T[]> {
  let cursor = firstCursor;
  for (;;) {
    const p = await page(cursor);
    yield p.items;
    if (!p.nextCursor) return;
    cursor = p.nextCursor;
  }
}

/**
 * Writes a list as CSV page by page, never the whole file as one string. The first page is
 * read before any byte is sent, so a bad filter or cursor still becomes a problem answer; a
 * failure later cuts the connection, never leaving a truncated file that looks whole.
 */
export async function sendCsv<T>(
  res: Response,
  filename: string,
  columns: Array<CsvColumn<T>>,
  pages: AsyncIterator<T[]>,
): Promise<void> {
  const first = await pages.next();
  res.status(200);
  res.setHeader('Content-Type', CSV_CONTENT_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  const chunk = (items: T[]) => items.map((item) => csvLine(columns.map((c) => c.value(item)))).join('');
  try {
    await write(res, CSV_BOM + csvLine(columns.map((c) => c.header)));
    if (!first.done) await write(res, chunk(first.value));
    for (let next = await pages.next(); !next.done; next = await pages.next())
      await write(res, chunk(next.value));
    res.end();
  } catch (err) {
    res.destroy(err as Error);
  }
}

function write(res: Response, text: string): Promise<void> {
  if (text === '' || res.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      res.off('drain', done);
      res.off('close', closed);
      if (err) reject(err);
      else resolve();
    };
    const closed = () => done(new Error('the client went away'));
    res.once('drain', done);
    res.once('close', closed);
  });
}

/** A list endpoint's answer: JSON of one page, or the whole filtered list as CSV. */
export async function sendList<T>(
  req: Request,
  res: Response,
  q: { format?: string; cursor?: string },
  csv: { filename: string; columns: Array<CsvColumn<T>>; pageSize?: number },
  page: (query: { cursor: string | undefined; limit?: number }) => Promise<ListPage<T>>,
): Promise<void> {
  if (!wantsCsv(req, q.format)) {
    res.json(await page({ cursor: q.cursor }));
    return;
  }
  const pages = allPages(q.cursor, (cursor) => page({ cursor, limit: csv.pageSize ?? 500 }));
  await sendCsv(res, csv.filename, csv.columns, pages);
}
