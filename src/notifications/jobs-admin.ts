import type { AppContext } from '../context';

/** A job that ran out of attempts (or failed for good), as admins see it: ids, never content. */
export interface FailedJob {
  id: string;
  queue: string;
  job: string;
  outboxId: string | null;
  topic: string | null;
  payload: unknown;
  attemptsMade: number;
  failedReason: string;
  failedAt: string | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  failed: number;
  delayed: number;
}

/**
 * What the HTTP side may ask of the job runners of its process: Bull's queues with Redis, the
 * in-process runner's bookkeeping without. Registered by jobs/start.ts per context, so the
 * admin endpoints and the metrics need no Redis client of their own.
 */
export interface JobsAdmin {
  mode: 'bull' | 'inline';
  counts(): Promise<QueueCounts>;
  listFailed(limit: number): Promise<FailedJob[]>;
  /** True when a failed job with this id was put back to run; false when there is none. */
  retry(id: string): Promise<boolean>;
}

const registered = new WeakMap<AppContext, JobsAdmin>();

export function setJobsAdmin(ctx: AppContext, admin: JobsAdmin | undefined): void {
  if (admin) registered.set(ctx, admin);
  else registered.delete(ctx);
}

export function jobsAdminOf(ctx: AppContext): JobsAdmin | undefined {
  return registered.get(ctx);
}
