import { recordAudit, scheduleAuditSeal } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { NotFoundError, ServiceUnavailableError } from '../lib/errors';
import { jobsAdminOf, type FailedJob, type JobsAdmin } from './jobs-admin';

function adminOf(ctx: AppContext): JobsAdmin {
  const admin = jobsAdminOf(ctx);
  if (!admin) throw new ServiceUnavailableError('Jobs are not running in this process.');
  return admin;
}

export async function listFailedJobs(ctx: AppContext, limit: number): Promise<{ items: FailedJob[] }> {
  return { items: await adminOf(ctx).listFailed(limit) };
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
