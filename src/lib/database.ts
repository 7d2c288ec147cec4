import type { AuditTables } from '../audit/audit.table';
import type { AuthTables } from '../auth/auth.table';
import type { PlatformTables } from './platform.table';

/** Every table, composed from the domains' own `*.table.ts` files. */
export interface Database extends AuthTables, AuditTables, PlatformTables {}
