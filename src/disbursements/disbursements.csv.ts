import { fieldColumns, type CsvColumn } from '../lib/csv';
import type { disbursementView } from './disbursements.views';

/** The disbursements list as CSV: one row per disbursement, as its JSON item shows it. */
type DisbursementItem = ReturnType<typeof disbursementView>;

export const DISBURSEMENT_CSV_COLUMNS: Array<CsvColumn<DisbursementItem>> = [
  ...fieldColumns<DisbursementItem>(
    'id',
    'status',
    'fundId',
    'victimId',
    'claimId',
    'purpose',
    'amount',
    'currency',
    'requestedPot',
    'pot',
    'rationale',
    'channel',
    'payeeOnFile',
    'paymentReference',
    'approvalsRequired',
  ),
  { header: 'approvals', value: (d) => d.approvals.length },
  ...fieldColumns<DisbursementItem>(
    'requestedBy',
    'requestedAt',
    'approvedAt',
    'paidOn',
    'externalReference',
    'resolvedAt',
    'resolutionReason',
    'holdInTrust',
    'entryId',
  ),
  { header: 'payoutCurrency', value: (d) => d.payout?.currency },
  { header: 'payoutAmount', value: (d) => d.payout?.amount },
];
