import type { Migration } from 'kysely';
import * as foundation from './2026_11_29_100000_foundation';
import * as auditGuard from './2026_11_29_100100_audit_guard_and_indexes';
import * as ledger from './2026_11_29_200000_ledger';
import * as victimsClaims from './2026_11_29_300000_victims_claims';
import * as disbursements from './2026_11_29_400000_disbursements';
import * as status from './2026_11_29_500000_status';
import * as notifications from './2026_11_29_600000_notifications';
import * as commitmentsTrust from './2026_11_29_700000_commitments_and_trust';
import * as fxPayouts from './2026_11_29_700100_fx_payouts';
import * as awardAdvances from './2026_11_29_700200_award_advances';
import * as hearings from './2026_11_29_800000_hearings';
import * as receiptInOneCall from './2026_11_29_900000_receipt_in_one_call';
import * as claimFundKeys from './2026_11_29_900100_claim_fund_keys';
import * as chainAnchors from './2026_11_29_900200_chain_anchors';
import * as staffLanguage from './2026_11_29_900300_staff_language';
import * as hotAccountRows from './2026_11_29_900400_hot_account_rows';
import * as paymentVoids from './2026_12_02_100000_payment_voids';
import * as deadlineRecordedOn from './2026_12_02_100100_deadline_recorded_on';
import * as potBeneficiaries from './2026_12_02_300000_pot_beneficiaries';
import * as fxSettlements from './2026_12_02_400000_fx_settlements';
import * as outboxDelivered from './2026_12_02_600000_outbox_delivered';
import * as scheduledJobRuns from './2026_12_02_600100_scheduled_job_runs';
import * as outboxAlerts from './2026_12_02_600200_outbox_alerts';
import * as statusGuardPairs from './2026_12_02_800000_status_guard_pairs';
import * as keyedChains from './2026_12_02_900000_keyed_chains';
import * as ledgerEntryProposals from './2026_12_02_900100_ledger_entry_proposals';
import * as reversalProposals from './2026_12_02_900200_reversal_proposals';
import * as appRole from './2026_12_02_950000_app_role';
import * as writeProofs from './2026_12_02_960000_write_proofs';
import * as victimSearch from './2026_12_03_100000_victim_search';
import * as hearingRecords from './2026_12_03_200000_hearing_records';
import * as documents from './2026_12_03_300000_documents';
import * as listFilterIndexes from './2026_12_03_400000_list_filter_indexes';
import * as consoleSessions from './2026_12_04_100000_console_sessions';

/**
 * Listed statically (not read from the folder at run time) so the same migrator works under
 * tsx, jest and a bundled build. Add each new migration here, in timestamp order.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_29_100000_foundation': foundation,
  '2026_11_29_100100_audit_guard_and_indexes': auditGuard,
  '2026_11_29_200000_ledger': ledger,
  '2026_11_29_300000_victims_claims': victimsClaims,
  '2026_11_29_400000_disbursements': disbursements,
  '2026_11_29_500000_status': status,
  '2026_11_29_600000_notifications': notifications,
  '2026_11_29_700000_commitments_and_trust': commitmentsTrust,
  '2026_11_29_700100_fx_payouts': fxPayouts,
  '2026_11_29_700200_award_advances': awardAdvances,
  '2026_11_29_800000_hearings': hearings,
  '2026_11_29_900000_receipt_in_one_call': receiptInOneCall,
  '2026_11_29_900100_claim_fund_keys': claimFundKeys,
  '2026_11_29_900200_chain_anchors': chainAnchors,
  '2026_11_29_900300_staff_language': staffLanguage,
  '2026_11_29_900400_hot_account_rows': hotAccountRows,
  '2026_12_02_100000_payment_voids': paymentVoids,
  '2026_12_02_100100_deadline_recorded_on': deadlineRecordedOn,
  '2026_12_02_300000_pot_beneficiaries': potBeneficiaries,
  '2026_12_02_400000_fx_settlements': fxSettlements,
  '2026_12_02_600000_outbox_delivered': outboxDelivered,
  '2026_12_02_600100_scheduled_job_runs': scheduledJobRuns,
  '2026_12_02_600200_outbox_alerts': outboxAlerts,
  '2026_12_02_800000_status_guard_pairs': statusGuardPairs,
  '2026_12_02_900000_keyed_chains': keyedChains,
  '2026_12_02_900100_ledger_entry_proposals': ledgerEntryProposals,
  '2026_12_02_900200_reversal_proposals': reversalProposals,
  '2026_12_02_950000_app_role': appRole,
  '2026_12_02_960000_write_proofs': writeProofs,
  '2026_12_03_100000_victim_search': victimSearch,
  '2026_12_03_200000_hearing_records': hearingRecords,
  '2026_12_03_300000_documents': documents,
  '2026_12_03_400000_list_filter_indexes': listFilterIndexes,
  '2026_12_04_100000_console_sessions': consoleSessions,
};
