import type { AuditTables } from '../audit/audit.table';
import type { AuthTables } from '../auth/auth.table';
import type { ClaimsTables } from '../claims/claims.table';
import type { DisbursementTables } from '../disbursements/disbursements.table';
import type { DocumentTables } from '../documents/documents.table';
import type { FundTables } from '../funds/funds.table';
import type { LedgerTables } from '../ledger/ledger.table';
import type { NotificationTables } from '../notifications/notifications.table';
import type { PlatformTables } from './platform.table';
import type { StatusTables } from '../status/status.table';
import type { VictimsTables } from '../victims/victims.table';

/** Every table, composed from the domains' own `*.table.ts` files. */
export interface Database
  extends
    AuthTables,
    AuditTables,
    PlatformTables,
    VictimsTables,
    ClaimsTables,
    LedgerTables,
    FundTables,
    DisbursementTables,
    DocumentTables,
    StatusTables,
    NotificationTables {}
