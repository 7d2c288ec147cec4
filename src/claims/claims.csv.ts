import { fieldColumns, type CsvColumn } from '../lib/csv';
import type { ClaimDeadlineView, ClaimView } from './claim-view';

/**
 * The claims list as CSV: one row per claim, with the fields and totals its JSON item shows
 * the caller (a field the caller's role does not get, e.g. the case number, stays empty).
 */
type ClaimItem = ClaimView;

/** The earliest deadline not yet met (the one the worker acts on next). */
function nextDeadline(item: ClaimItem): ClaimDeadlineView | undefined {
  const open = (item.deadlines ?? [])
    .filter((d) => d.metOn === null)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  return open[0];
}

export const CLAIM_CSV_COLUMNS: Array<CsvColumn<ClaimItem>> = [
  ...fieldColumns<ClaimItem>(
    'id',
    'reference',
    'victimId',
    'route',
    'mode',
    'fundId',
    'jurisdiction',
    'forum',
    'caseNumber',
    'respondent',
    'currency',
    'status',
    'statusSince',
    'filedOn',
    'causeOfActionOn',
    'assigneeId',
  ),
  ...(['claimed', 'awarded', 'received', 'heldInTrust', 'outstanding'] as const).map((k) => ({
    header: k,
    value: (item: ClaimItem) => item.totals[k],
  })),
  { header: 'paymentState', value: (item) => item.paymentState },
  { header: 'nextDeadline', value: (item) => nextDeadline(item)?.kind },
  { header: 'nextDeadlineOn', value: (item) => nextDeadline(item)?.dueOn },
];
