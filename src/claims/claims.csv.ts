import { fieldColumns, type CsvColumn, type CsvValue } from '../lib/csv';

/**
 * The claims list as CSV: one row per claim, with the fields and totals its JSON item shows
 * the caller (a field the caller's role does not get, e.g. the case number, stays empty).
 */
type ClaimItem = Record<string, unknown>;

const totals = (item: ClaimItem) => (item.totals ?? {}) as Record<string, CsvValue>;

/** The earliest deadline not yet met (the one the worker acts on next). */
function nextDeadline(item: ClaimItem): { kind?: string; dueOn?: string } | undefined {
  const open = ((item.deadlines ?? []) as Array<{ kind: string; dueOn: string; metOn: string | null }>)
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
    value: (item: ClaimItem) => totals(item)[k],
  })),
  { header: 'paymentState', value: (item) => item.paymentState as CsvValue },
  { header: 'nextDeadline', value: (item) => nextDeadline(item)?.kind },
  { header: 'nextDeadlineOn', value: (item) => nextDeadline(item)?.dueOn },
];
