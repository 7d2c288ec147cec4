import type { PlatformTables } from './platform.table';

/**
 * Every table Kysely may query. lib/ declares only its own tables here; the composition root
 * (src/database.ts) merges in each domain's `*.table.ts`, so lib/ imports no domain while `Db`
 * (lib/db.ts) still types every table.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface Database extends PlatformTables {}
