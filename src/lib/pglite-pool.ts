import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Lets Kysely's own PostgresDialect drive PGlite (the embedded default). PGlite is a single
 * connection, so "connecting" takes a mutex until release: a transaction never interleaves with
 * another caller's statements.
 */
export function createPglitePool(pglite: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => (release = resolve));
      await previous;
      return {
        query: (async (text: string, parameters: ReadonlyArray<unknown>) => {
          // Parameterless statements may hold several commands (migrations); only the simple
          // protocol (exec) accepts those.
          if (parameters.length === 0) {
            const results = await pglite.exec(text);
            const last = results[results.length - 1];
            return toPgResult(text, last?.rows ?? [], last?.affectedRows ?? 0);
          }
          const result = await pglite.query(text, [...parameters]);
          return toPgResult(text, result.rows, result.affectedRows ?? 0);
        }) as PostgresPoolClient['query'],
        release: () => release(),
      };
    },
    async end() {
      await pglite.close();
    },
  };
}

function toPgResult<R>(text: string, rows: unknown[], affected: number): PostgresQueryResult<R> {
  const verb = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(text)?.[1]?.toUpperCase() ?? 'SELECT';
  const command = (
    ['UPDATE', 'DELETE', 'INSERT', 'MERGE'].includes(verb) ? verb : 'SELECT'
  ) as PostgresQueryResult<R>['command'];
  return { command, rowCount: command === 'SELECT' ? rows.length : affected, rows: rows as R[] };
}
