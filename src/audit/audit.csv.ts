import { fieldColumns, type CsvColumn } from '../lib/csv';
import type { AuditEventView } from './audit';

/** The audit trail as CSV; `details` (ids and field names only) as its JSON text. */
export const AUDIT_CSV_COLUMNS: Array<CsvColumn<AuditEventView>> = [
  ...fieldColumns<AuditEventView>(
    'id',
    'occurredAt',
    'actorId',
    'actorRole',
    'action',
    'resourceType',
    'resourceId',
    'requestId',
    'outcome',
  ),
  { header: 'details', value: (e) => JSON.stringify(e.details ?? {}) },
];
