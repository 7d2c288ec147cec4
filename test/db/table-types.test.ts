import pg from 'pg';
import { createTestDatabase, dropTestDatabase } from '../helpers/test-app';
import {
  compareTables,
  readActualTables,
  readDeclaredTables,
  type DeclaredTables,
} from '../helpers/table-types';

/** Tables the app never queries through Kysely's Database type, and why. */
const NOT_IN_DATABASE_TYPE = [
  // Kysely's Migrator owns these two; the app only reads kysely_migration with raw sql.
  'kysely_migration',
  'kysely_migration_lock',
];

describe('the *.table.ts types match the migrated schema', () => {
  let declared: DeclaredTables;
  const databases: string[] = [];

  beforeAll(() => {
    // One compiler pass for both tests (it reads the whole src tree the Database type imports).
    declared = readDeclaredTables();
  }, 120_000);

  afterAll(async () => {
    for (const name of databases) await dropTestDatabase(name);
  });

  it('has the same tables, columns, nullability and coarse types as the database', async () => {
    const db = await createTestDatabase();
    databases.push(db.name);
    const problems = compareTables(declared, await readActualTables(db.url), NOT_IN_DATABASE_TYPE);
    expect(problems).toEqual([]);
  });

  it('reports a column a migration added, or changed, without changing its type', async () => {
    const db = await createTestDatabase();
    databases.push(db.name);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('alter table claims add column drifted_note text');
      await client.query('alter table claims alter column respondent set not null');
      await client.query('alter table claim_heads alter column description type int4 using null');
    } finally {
      await client.end();
    }
    const problems = compareTables(declared, await readActualTables(db.url), NOT_IN_DATABASE_TYPE);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'claims.drifted_note: column in the database (text) but not in its table type',
        ),
        expect.stringContaining('claims.respondent: database says not null'),
        expect.stringContaining('claim_heads.description: int4 reads as number'),
      ]),
    );
  });
});
