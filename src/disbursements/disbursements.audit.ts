import { recordAudit } from '../audit/audit.service';
import type { Trx } from '../lib/db';
import type { Call } from '../lib/route';
import type { DisbursementRow } from './disbursements.repository';

/** One audit event per step of a disbursement: who, which fund, what purpose, the new status. */
export async function auditDisbursement(
  trx: Trx,
  call: Call,
  action: string,
  row: DisbursementRow,
  extra: Record<string, unknown> = {},
) {
  await recordAudit(trx, {
    actor: call.actor,
    action,
    resourceType: 'disbursement',
    resourceId: row.id,
    requestId: call.requestId,
    details: {
      fundId: row.fund_id,
      purpose: row.purpose,
      currency: row.currency,
      status: row.status,
      ...extra,
    },
  });
}
