import type { AuditTables } from './audit/audit.table';
import type { AuthTables } from './auth/auth.table';
import type { ConsoleTables } from './console/console.table';
import type { ClaimsTables } from './claims/claims.table';
import type { DisbursementTables } from './disbursements/disbursements.table';
import type { DocumentTables } from './documents/documents.table';
import type { FundTables } from './funds/funds.table';
import type { LedgerTables } from './ledger/ledger.table';
import type { Database as LibDatabase } from './lib/database';
import type { NotificationTables } from './notifications/notifications.table';
import type { StatusTables } from './status/status.table';
import type { VictimsTables } from './victims/victims.table';

// The composition root adds each domain's tables to lib's Database (declaration merging), so
// `Db` in lib/db.ts types every table without lib/ importing a domain.
declare module './lib/database' {
  interface Database
    extends
      AuthTables,
      AuditTables,
      VictimsTables,
      ClaimsTables,
      LedgerTables,
      FundTables,
      DisbursementTables,
      DocumentTables,
      StatusTables,
      NotificationTables,
      ConsoleTables {}
}

/** Every table: lib's own (PlatformTables) and the domains' `*.table.ts`. */
export type Database = LibDatabase;
