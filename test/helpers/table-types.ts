import path from 'node:path';
import pg from 'pg';
import ts from 'typescript';

/**
 * Compares the Kysely `Database` type (src/database.ts, composed of the `*.table.ts` files) with
 * a migrated database's information_schema, so a migration and its type cannot drift apart.
 */

/** Coarse type families; a column whose family cannot be told apart is not family-checked. */
type Family = 'string' | 'number' | 'boolean' | 'Date' | 'bigint' | 'Buffer' | 'json' | 'other';

export interface DeclaredColumn {
  nullable: boolean;
  families: Family[];
  /** The select type as written, for failure messages. */
  text: string;
}

export type DeclaredTables = Map<string, Map<string, DeclaredColumn>>;

export interface ActualColumn {
  nullable: boolean;
  udtName: string;
  dataType: string;
}

export type ActualTables = Map<string, Map<string, ActualColumn>>;

/** pg's parsers as configured in src/lib/db.ts (int8, numeric and date stay strings). */
const FAMILY_OF_UDT: Record<string, Family> = {
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  uuid: 'string',
  date: 'string',
  int8: 'string',
  numeric: 'string',
  inet: 'string',
  int2: 'number',
  int4: 'number',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  timestamptz: 'Date',
  timestamp: 'Date',
  bytea: 'Buffer',
  json: 'json',
  jsonb: 'json',
};

/** Reads the Database interface with the compiler, so aliases and imported interfaces resolve. */
export function readDeclaredTables(
  databaseFile = path.resolve(__dirname, '../../src/database.ts'),
): DeclaredTables {
  const program = ts.createProgram([databaseFile], projectCompilerOptions());
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(databaseFile);
  const module = source && checker.getSymbolAtLocation(source);
  const databaseSymbol = module && checker.getExportsOfModule(module).find((s) => s.name === 'Database');
  if (!databaseSymbol) throw new Error(`no exported Database interface in ${databaseFile}`);
  const databaseType = checker.getDeclaredTypeOfSymbol(databaseSymbol);

  const tables: DeclaredTables = new Map();
  for (const tableSymbol of checker.getPropertiesOfType(databaseType)) {
    const tableType = checker.getTypeOfSymbol(tableSymbol);
    const columns = new Map<string, DeclaredColumn>();
    for (const columnSymbol of checker.getPropertiesOfType(tableType)) {
      columns.set(columnSymbol.name, describeColumn(checker, checker.getTypeOfSymbol(columnSymbol)));
    }
    tables.set(tableSymbol.name, columns);
  }
  return tables;
}

/** The project's own tsconfig.json, so the types resolve exactly as `tsc --noEmit -p .` sees them. */
function projectCompilerOptions(): ts.CompilerOptions {
  const configPath = path.resolve(__dirname, '../../tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configPath)).options;
}

/** Unwraps Kysely's ColumnType/Generated/JSONColumnType (all carry `__select__`) to the select type. */
function selectMembers(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  const members = type.isUnion() ? type.types : [type];
  return members.flatMap((member) => {
    const select = member.getProperty('__select__');
    return select ? selectMembers(checker, checker.getTypeOfSymbol(select)) : [member];
  });
}

function describeColumn(checker: ts.TypeChecker, type: ts.Type): DeclaredColumn {
  const members = selectMembers(checker, type);
  const nullable = members.some((m) => (m.flags & ts.TypeFlags.Null) !== 0);
  const families = [
    ...new Set(members.filter((m) => (m.flags & ts.TypeFlags.Null) === 0).map((m) => familyOf(m))),
  ];
  const text = members
    .map((m) => checker.typeToString(m))
    .join(' | ')
    .replace('false | true', 'boolean');
  return { nullable, families, text };
}

function familyOf(type: ts.Type): Family {
  const f = type.flags;
  if (f & ts.TypeFlags.StringLike) return 'string';
  if (f & ts.TypeFlags.NumberLike) return 'number';
  if (f & ts.TypeFlags.BooleanLike) return 'boolean';
  if (f & ts.TypeFlags.BigIntLike) return 'bigint';
  if (f & ts.TypeFlags.Any) return 'other'; // an explicit escape hatch: not family-checked
  if (f & ts.TypeFlags.Unknown) return 'json';
  const name = type.getSymbol()?.name ?? type.aliasSymbol?.name;
  if (name === 'Date') return 'Date';
  if (name === 'Buffer' || name === 'Uint8Array') return 'Buffer';
  if (f & ts.TypeFlags.Object) return 'json';
  return 'other';
}

export async function readActualTables(connectionString: string): Promise<ActualTables> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      is_nullable: 'YES' | 'NO';
      udt_name: string;
      data_type: string;
    }>(
      `select c.table_name, c.column_name, c.is_nullable, c.udt_name, c.data_type
         from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
        order by c.table_name, c.ordinal_position`,
    );
    const tables: ActualTables = new Map();
    for (const row of rows) {
      const columns = tables.get(row.table_name) ?? new Map<string, ActualColumn>();
      columns.set(row.column_name, {
        nullable: row.is_nullable === 'YES',
        udtName: row.udt_name,
        dataType: row.data_type,
      });
      tables.set(row.table_name, columns);
    }
    return tables;
  } finally {
    await client.end();
  }
}

/** Every disagreement, one line each, naming table.column. Empty when the types match the schema. */
export function compareTables(
  declared: DeclaredTables,
  actual: ActualTables,
  notInDatabaseType: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const table of declared.keys()) {
    if (!actual.has(table)) problems.push(`${table}: in the Database type but not in the database`);
  }
  for (const [table, columns] of actual) {
    if (notInDatabaseType.includes(table)) continue;
    const typed = declared.get(table);
    if (!typed) {
      problems.push(`${table}: in the database but not in the Database type`);
      continue;
    }
    for (const [column, real] of columns) {
      const decl = typed.get(column);
      const where = `${table}.${column}`;
      if (!decl) {
        problems.push(`${where}: column in the database (${real.udtName}) but not in its table type`);
        continue;
      }
      if (decl.nullable !== real.nullable) {
        problems.push(
          `${where}: database says ${real.nullable ? 'nullable' : 'not null'}, type is ${decl.text}`,
        );
      }
      const expected = real.dataType === 'ARRAY' ? 'json' : FAMILY_OF_UDT[real.udtName];
      if (!expected) {
        // A new column type must be classified here rather than skipped silently.
        problems.push(`${where}: no type family known for ${real.udtName}; add it to FAMILY_OF_UDT`);
        continue;
      }
      const families = decl.families.filter((f) => f !== 'other');
      if (families.length > 0 && !families.every((f) => f === expected)) {
        problems.push(`${where}: ${real.udtName} reads as ${expected}, type is ${decl.text}`);
      }
    }
    for (const column of typed.keys()) {
      if (!columns.has(column)) {
        problems.push(`${table}.${column}: in its table type but not in the database`);
      }
    }
  }
  return problems;
}
