import type Bull from 'bull';
import type Joi from 'joi';
import type { Config } from '../src/config';
import { pruneLoginAttempts } from '../src/auth/login.service';
import type { FieldCipher } from '../src/lib/crypto';
import type { Db, Trx } from '../src/lib/db';
import type { Logger } from '../src/lib/logger';
import type { OutboxTopic } from '../src/lib/outbox';
import type { MailKey, Mailer } from '../src/notifications/mailer';
import { reminderPayloadSchema, sendReminderEmail } from '../src/notifications/deadline-reminders';
import { runDeadlineScan } from '../src/notifications/deadline-scan';
import {
  disbursementNoticePayloadSchema,
  sendAwaitingApproval,
  sendPayoutFailed,
} from '../src/notifications/disbursement-notices';
import {
  reconciliationAlertPayloadSchema,
  runReconciliation,
  sendReconciliationAlert,
} from '../src/notifications/reconciliation';
import { deliveryAlertPayloadSchema, sendDeliveryAlert } from '../src/notifications/delivery-alerts';
import { paymentMadePayloadSchema, sendPaymentMadeEmail } from '../src/notifications/payment-made';
import {
  sendFundDecisionDue,
  sendHearingReminder,
  sendReflectionReminder,
  upcomingPayloadSchema,
} from '../src/notifications/upcoming-reminders';
import { sendStatusChangedEmail, statusChangedPayloadSchema } from '../src/notifications/victim-status';
import { sendWelcomeEmail, welcomePayloadSchema } from '../src/notifications/welcome';
import { pruneStatusGuards } from '../src/status/status.service';

/**
 * The one file that owns every job: its name, the outbox topic it carries out, its Bull queue,
 * its payload schema, its handler and the retry policy. Adding a job means adding it here;
 * start-up refuses a registry where a name lacks a handler or a handler lacks a name.
 */

export const QUEUE_NAMES = ['mail', 'schedule'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const JOB_NAMES = [
  'mail.welcome',
  'mail.claim_status',
  'mail.deadline_reminder',
  'mail.reconciliation_alert',
  'mail.disbursement_awaiting',
  'mail.disbursement_failed',
  'mail.hearing_reminder',
  'mail.reflection_reminder',
  'mail.fund_decision_due',
  'mail.victim_payment',
  'mail.delivery_alert',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * Which job carries out each outbox topic. One job per topic, because the job id and the
 * delivery record are both the outbox id: a change with two effects writes two outbox rows.
 * Typed by topic, so a topic added to OutboxPayloads does not compile until it is mapped.
 */
export const TOPIC_JOBS: Record<OutboxTopic, JobName> = {
  'user.welcome': 'mail.welcome',
  'claim.status_changed': 'mail.claim_status',
  'deadline.reminder': 'mail.deadline_reminder',
  'reconciliation.alert': 'mail.reconciliation_alert',
  'disbursement.awaiting_approval': 'mail.disbursement_awaiting',
  'disbursement.payout_failed': 'mail.disbursement_failed',
  'hearing.reminder': 'mail.hearing_reminder',
  'reflection.reminder': 'mail.reflection_reminder',
  'fund_decision.due': 'mail.fund_decision_due',
  'victim.payment_made': 'mail.victim_payment',
  'outbox.alert': 'mail.delivery_alert',
};

/** What a handler gets: the transaction that holds its outbox row, and the side effects. */
export interface JobRun {
  trx: Trx;
  outboxId: string;
  config: Config;
  logger: Logger;
  mailer: Mailer;
  /** Decrypts what a victim-facing handler needs, in memory only. */
  cipher?: FieldCipher;
  /** Stable per message: the same send repeated is recognisably the same e-mail. */
  mailKey: MailKey;
}

export interface JobDefinition<P = any> {
  queue: QueueName;
  payload: Joi.ObjectSchema<P>;
  /**
   * Carries out the effect and returns the detail kept in outbox_deliveries. It runs at most
   * once per message that has no delivery row yet (jobs/execute.ts checks and records), so a
   * handler need not track that itself; it must not commit anything of its own elsewhere.
   */
  handle(run: JobRun, payload: P): Promise<string>;
}

function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

type StaffMailDeps = { trx: JobRun['trx']; mailer: JobRun['mailer'] };

/** An e-mail to staff: needs only the transaction and the mailer. */
function staffMailJob<P>(
  payload: JobDefinition<P>['payload'],
  send: (deps: StaffMailDeps, payload: P, mailKey: JobRun['mailKey']) => Promise<string>,
): JobDefinition<P> {
  return {
    queue: 'mail',
    payload,
    handle: (run, p) => send({ trx: run.trx, mailer: run.mailer }, p, run.mailKey),
  };
}

export const JOB_HANDLERS: Record<JobName, JobDefinition> = {
  'mail.welcome': defineJob({
    queue: 'mail',
    payload: welcomePayloadSchema,
    handle: (run, payload) =>
      sendWelcomeEmail(
        { db: run.trx, mailer: run.mailer, publicUrl: run.config.publicUrl },
        payload,
        run.mailKey,
      ),
  }),
  'mail.claim_status': defineJob({
    queue: 'mail',
    payload: statusChangedPayloadSchema,
    handle: (run, payload) => {
      if (!run.cipher) throw new Error('mail.claim_status needs the field cipher');
      return sendStatusChangedEmail(
        { trx: run.trx, cipher: run.cipher, mailer: run.mailer, publicUrl: run.config.publicUrl },
        payload,
        run.mailKey,
      );
    },
  }),
  'mail.deadline_reminder': staffMailJob(reminderPayloadSchema, sendReminderEmail),
  'mail.reconciliation_alert': staffMailJob(reconciliationAlertPayloadSchema, sendReconciliationAlert),
  'mail.disbursement_awaiting': staffMailJob(disbursementNoticePayloadSchema, sendAwaitingApproval),
  'mail.disbursement_failed': staffMailJob(disbursementNoticePayloadSchema, sendPayoutFailed),
  'mail.hearing_reminder': staffMailJob(upcomingPayloadSchema, sendHearingReminder),
  'mail.reflection_reminder': staffMailJob(upcomingPayloadSchema, sendReflectionReminder),
  'mail.fund_decision_due': staffMailJob(upcomingPayloadSchema, sendFundDecisionDue),
  'mail.delivery_alert': staffMailJob(deliveryAlertPayloadSchema, sendDeliveryAlert),
  'mail.victim_payment': defineJob({
    queue: 'mail',
    payload: paymentMadePayloadSchema,
    handle: (run, payload) => {
      if (!run.cipher) throw new Error('mail.victim_payment needs the field cipher');
      return sendPaymentMadeEmail(
        { trx: run.trx, cipher: run.cipher, mailer: run.mailer, publicUrl: run.config.publicUrl },
        payload,
        run.mailKey,
      );
    },
  }),
};

/**
 * Scheduled jobs: Bull repeatable jobs on the `schedule` queue with Redis (one run per cron
 * tick across all workers), an in-process daily timer in embedded mode. Each only writes rows
 * and outbox messages, or deletes rows no rule reads, idempotently, so an extra run is harmless.
 */
export const SCHEDULED_JOB_NAMES = ['scan.deadlines', 'reconcile', 'prune'] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOB_NAMES)[number];

export interface ScheduledJobDefinition {
  /** Cron in UTC for Bull; `hourUtc` is the same time for the embedded timer. */
  cron: string;
  hourUtc: number;
  run(deps: { db: Db; logger: Logger; config: Config }): Promise<string>;
}

export const SCHEDULED_JOBS: Record<ScheduledJobName, ScheduledJobDefinition> = {
  'scan.deadlines': {
    cron: '15 0 * * *',
    hourUtc: 0,
    // the same function an admin runs now (POST /v1/admin/deadline-scan, cli scan-deadlines)
    run: async ({ db }) => (await runDeadlineScan(db)).detail,
  },
  reconcile: {
    cron: '30 2 * * *',
    hourUtc: 2,
    run: async ({ db, logger, config }) => {
      const r = await runReconciliation(db, logger, new Date(), { fxOpenDaysMax: config.fxOpenDaysMax });
      return `run ${r.runId}: ${r.ok ? 'ok' : `FAILED, ${r.alerts.length} alert(s)`}`;
    },
  },
  // Deletes only what no rule reads any more, so a second run finds nothing to do.
  prune: {
    cron: '45 3 * * *',
    hourUtc: 3,
    run: async ({ db, config }) => {
      const attempts = await pruneLoginAttempts(db, config.loginWindowMinutes);
      const guards = await pruneStatusGuards(db);
      return `deleted ${attempts} login attempt(s), ${guards} status guard row(s)`;
    },
  },
};

/** The job that carries out a topic, or undefined for a topic this release does not know. */
export function jobForTopic(topic: string): JobName | undefined {
  return Object.prototype.hasOwnProperty.call(TOPIC_JOBS, topic)
    ? TOPIC_JOBS[topic as OutboxTopic]
    : undefined;
}

export function knownTopics(): OutboxTopic[] {
  return Object.keys(TOPIC_JOBS) as OutboxTopic[];
}

/**
 * Exactly one handler per job name, every topic mapped to a known job, every job on a known
 * queue. The compiler checks most of this; the run-time check also catches a registry put
 * together dynamically (and is what start-up calls).
 */
export function checkJobRegistry(
  handlers: Record<string, JobDefinition> = JOB_HANDLERS,
  names: readonly string[] = JOB_NAMES,
  topics: Record<string, string> = TOPIC_JOBS,
): void {
  const problems: string[] = [];
  const handled = Object.keys(handlers);
  for (const name of names) {
    if (!handled.includes(name)) problems.push(`job "${name}" has no handler`);
  }
  for (const name of handled) {
    if (!names.includes(name)) problems.push(`handler "${name}" is not a known job name`);
    const queue = handlers[name]?.queue;
    if (!(QUEUE_NAMES as readonly string[]).includes(queue ?? '')) {
      problems.push(`job "${name}" is on unknown queue "${String(queue)}"`);
    }
  }
  for (const [topic, job] of Object.entries(topics)) {
    if (!names.includes(job)) problems.push(`topic "${topic}" maps to unknown job "${job}"`);
  }
  if (problems.length > 0) throw new Error(`Invalid job registry: ${problems.join('; ')}`);
}

/**
 * Retry policy and de-duplication. jobId = outbox id: adding the same message twice (a relay
 * that crashed between queue.add and its commit) collapses into the job already there.
 * Completed jobs are kept a while so that collapse also works after they ran; failed jobs are
 * kept for admins to see and retry.
 */
export function jobOptions(config: Config, outboxId: string): Bull.JobOptions {
  return {
    jobId: String(outboxId),
    attempts: config.jobAttempts,
    backoff: { type: 'exponential', delay: config.jobBackoffMs },
    removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
    removeOnFail: false,
  };
}

/** The same exponential schedule as Bull's, for the in-process (embedded) runner. */
export function retryDelayMs(config: Config, attemptsMade: number): number {
  return config.jobBackoffMs * 2 ** Math.max(0, attemptsMade - 1);
}

/**
 * What goes into Redis. The payload is there for people looking at a failed job; the worker
 * reads the locked outbox row, which stays the truth.
 */
export interface QueuedJobData {
  /** Empty for a scheduled job (it carries out no outbox message). */
  outboxId: string;
  topic: string;
  payload: unknown;
}
