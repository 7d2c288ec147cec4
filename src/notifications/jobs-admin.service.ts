import { recordAudit, scheduleAuditSeal } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { NotFoundError, ServiceUnavailableError } from '../lib/errors';
import { deliveryAlertsFor, openDeliveryAlerts, type DeliveryAlertView } from './delivery-alerts';
import { jobsAdminOf, type FailedJob, type JobsAdmin } from './jobs-admin';

function adminOf(ctx: AppContext): JobsAdmin {
  const admin = jobsAdminOf(ctx);
  if (!admin) throw new ServiceUnavailableError('Jobs are not running in this process.');
  return admin;
}

export type FailedJobView = FailedJob & {
  /** Set once admins were alerted about the job's message (by e-mail, once per message). */
  alert: { reason: string; errorCategory: string | null; alertedAt: string } | null;
};

/**
 * The failed jobs, each flagged when admins were alerted about it, and every alerted message
 * still undelivered (one can be overdue while its job is still retrying, so not failed yet).
 */
export async function listFailedJobs(
  ctx: AppContext,
  limit: number,
): Promise<{ items: FailedJobView[]; alerts: DeliveryAlertView[] }> {
  const failed = await adminOf(ctx).listFailed(limit);
  const alerted = await deliveryAlertsFor(
    ctx.db,
    failed.flatMap((j) => (j.outboxId ? [j.outboxId] : [])),
  );
  return {
    items: failed.map((j) => ({ ...j, alert: (j.outboxId && alerted.get(j.outboxId)) || null })),
    alerts: await openDeliveryAlerts(ctx.db, limit),
  };
}

/** Puts a failed job back to run; the handler's delivery record still prevents a double send. */
export async function retryFailedJob(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<{ id: string; status: 'retrying' }> {
  const admin = adminOf(ctx);
  // The audit row commits only if the retry happened: written first, rolled back on a miss.
  await transact(ctx.db, async (trx) => {
    await recordAudit(trx, {
      actor,
      action: 'job.retry',
      resourceType: 'job',
      resourceId: id,
      requestId,
      details: { mode: admin.mode },
    });
    if (!(await admin.retry(id))) throw new NotFoundError('failed job');
  });
  void scheduleAuditSeal(ctx.db, ctx.logger);
  return { id, status: 'retrying' };
}
