import fs from 'node:fs';
import path from 'node:path';

/*
 * Issue 12: SQL lives in repositories. Services keep the rules; every query (a Kysely query
 * builder or a raw `sql` template) sits in a `*.repository.ts`, where a reader looking for what
 * a table is asked finds all of it. Migrations are exempt (they are SQL by nature, and live in
 * db/migrations, outside src/).
 */

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/sql-in-repositories');

/** What runs a query: Kysely's builders, and `sql` as a template (typed or not) or a helper. */
const QUERY_BUILDERS: readonly RegExp[] = [
  /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/,
  // not `sql` quoted in a comment
  /(?<!`)\bsql\s*(<[^`]*?>)?\s*`/,
  /\bsql\.(raw|ref|join|lit|id|table|val)\(/,
];

/**
 * Files outside a repository that may still hold SQL, each with why (path from the root).
 * Empty today: keep it short, and say why for each entry.
 */
const ALLOWED: Readonly<Record<string, string>> = {};

const mayHoldSql = (file: string) =>
  file.endsWith('.repository.ts') || file.split(path.sep).includes('migrations');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The lines of `source` that run a query, as "line: text". */
function queryLines(source: string): string[] {
  return source
    .split('\n')
    .flatMap((line, i) => (QUERY_BUILDERS.some((re) => re.test(line)) ? [`${i + 1}: ${line.trim()}`] : []));
}

/** Every query outside a repository under `root`/src, as "path:line: text" (path from `root`). */
function offenders(root: string): string[] {
  return tsFiles(path.join(root, 'src'))
    .map((file) => path.relative(root, file))
    .filter((file) => !mayHoldSql(file) && !(file.split(path.sep).join('/') in ALLOWED))
    .flatMap((file) => queryLines(fs.readFileSync(path.join(root, file), 'utf8')).map((l) => `${file}:${l}`));
}

describe('SQL lives in repositories', () => {
  it('finds no query outside a *.repository.ts in src/', () => {
    // Move the query into the folder's repository as a small function taking Db or Trx.
    expect(offenders(ROOT)).toEqual([]);
  });

  it('recognises each way of running a query, and nothing else', () => {
    const queries = [
      "await db.selectFrom('claims').selectAll().execute();",
      "trx.insertInto('outbox').values(row)",
      "  .updateTable('claims')",
      "await trx.deleteFrom('victim_name_index').execute();",
      'await sql`select 1`.execute(db);',
      'sql<string>`count(*)`',
      'const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);',
      'sql.join(OPEN_PAIRS)',
      "sql.raw('now()')",
    ];
    const notQueries = [
      "import type { Insertable, Selectable } from 'kysely';",
      "import { sql } from 'kysely';",
      '// the sqlite driver is not used',
      "rows.map((r) => r.select('x'))",
      'const mysql = `text`;',
      '// each query, a builder or a raw `sql` template, in a repository',
    ];
    expect(queries.filter((line) => queryLines(line).length === 0)).toEqual([]);
    expect(notQueries.filter((line) => queryLines(line).length > 0)).toEqual([]);
  });

  it("names each query line of the fixture's service, and none of its repository", () => {
    expect(offenders(FIXTURE)).toEqual([
      "src/claims/claims.service.ts:4: export const claims = (db: Db) => db.selectFrom('claims');",
      'src/claims/claims.service.ts:5: export const one = sql`select 1`;',
      'src/claims/claims.service.ts:6: export const two = sql<number>`select 2`;',
    ]);
  });

  it('allows no entry that no longer needs it', () => {
    const stale = Object.keys(ALLOWED).filter(
      (file) => queryLines(fs.readFileSync(path.join(ROOT, file), 'utf8')).length === 0,
    );
    expect(stale).toEqual([]);
  });
});
