import { recordAudit, scheduleAuditSeal } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact, type Db } from '../lib/db';
import { scanDeadlines } from './deadline-reminders';
import { recordScheduledRun, DEADLINE_SCAN_JOB } from './scheduled-runs';
import { scanUpcoming } from './upcoming-reminders';

export interface DeadlineScanResult {
  /** deadline reminders and overdue notices queued by this run */
  deadlineReminders: number;
  /** hearing, reflection-period and fund-decision reminders queued by this run */
  otherReminders: number;
  detail: string;
}

/**
 * The daily deadline scan, as the schedule runs it (jobs/queues.ts) and as an admin runs it
 * now. Each reminder is a row inserted once per (subject, kind, date, offset), so a second run
 * the same day queues nothing more: running it now never doubles a reminder.
 */
export async function runDeadlineScan(db: Db): Promise<DeadlineScanResult> {
  const deadlines = await scanDeadlines(db);
  const upcoming = await scanUpcoming(db);
  return {
    deadlineReminders: deadlines.enqueued,
    otherReminders: upcoming.enqueued,
    detail: `enqueued ${deadlines.enqueued} reminder(s), ${upcoming.enqueued} hearing/reflection/decision reminder(s)`,
  };
}

/**
 * `POST /v1/admin/deadline-scan` and `npm run cli -- scan-deadlines`: the scan now, recorded as
 * a run of the scheduled job (so /readyz and the reconciliation see it) and audited.
 */
export async function scanDeadlinesNow(
  ctx: Pick<AppContext, 'db' | 'logger' | 'outbox'>,
  by: { actor: Actor | null; requestId: string | null; via: 'http' | 'cli' },
): Promise<DeadlineScanResult> {
  const startedAt = new Date();
  let result: DeadlineScanResult;
  try {
    result = await runDeadlineScan(ctx.db);
  } catch (err) {
    await recordScheduledRun(ctx.db, DEADLINE_SCAN_JOB, {
      startedAt,
      ok: false,
      detail: `run now (${by.via}) failed`,
    }).catch(() => undefined); // the database may be what failed: the scan's error is what matters
    throw err;
  }
  await recordScheduledRun(ctx.db, DEADLINE_SCAN_JOB, { startedAt, ok: true, detail: result.detail });
  await transact(ctx.db, (trx) =>
    recordAudit(trx, {
      actor: by.actor,
      action: 'deadline_scan.run',
      resourceType: 'scheduled_job',
      resourceId: DEADLINE_SCAN_JOB,
      requestId: by.requestId,
      details: {
        via: by.via,
        deadlineReminders: result.deadlineReminders,
        otherReminders: result.otherReminders,
      },
    }),
  );
  void scheduleAuditSeal(ctx.db, ctx.logger);
  ctx.outbox.kick(); // the reminders go out now, not at the relay's next pass
  return result;
}
