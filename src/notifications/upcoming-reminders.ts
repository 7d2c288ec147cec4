import Joi from 'joi';
import { bigintId } from '../lib/schemas';
import { transact, type Db, type Trx } from '../lib/db';
import { sharedLanguage } from '../lib/i18n';
import { enqueueOutbox } from '../lib/outbox';
import { daysBetween, todayUtc } from '../lib/dates';
import type { MailKey, Mailer } from './mailer';
import {
  findActiveUser,
  fundAdministrators,
  setReminderOutbox,
  type StaffRecipient,
} from './notifications.repository';
import {
  decisionDeadline,
  dueFundDecisions,
  endingReflectionPeriods,
  findUpcomingReminder,
  fundOrganization,
  hearingStillOn,
  insertUpcomingOnce,
  upcomingHearings,
  victimWorkers,
  type Upcoming,
} from './upcoming.repository';
import { mailTranslator, renderMail } from './templates';

/**
 * Reminders of what is coming up: a hearing (to the claim's assignee), the end of a victim's
 * reflection period (to the workers who follow the victim) and a State-fund decision due (to
 * the fund's administrators). They share the deadline scan's mechanism: a deadline_reminders
 * row per (subject, kind, date, offset), inserted ON CONFLICT DO NOTHING with its outbox row,
 * so re-running the scan never sends one twice.
 */
export const UPCOMING_OFFSETS = [7, 1] as const;

/** 7-day bucket from 7 down to 2 days left, 1-day bucket for 1 and 0; nothing once past. */
export function upcomingOffsetFor(daysLeft: number): number | undefined {
  if (daysLeft < 0) return undefined;
  if (daysLeft <= 1) return 1;
  return daysLeft <= 7 ? 7 : undefined;
}

type Kind = 'hearing' | 'reflection' | 'fund_decision';
type Topic = 'hearing.reminder' | 'reflection.reminder' | 'fund_decision.due';

interface KindSpec {
  subject: 'claim' | 'victim';
  topic: Topic;
  find(trx: Trx, today: string, horizonDays: number): Promise<Upcoming[]>;
}

const KINDS: Record<Kind, KindSpec> = {
  hearing: { subject: 'claim', topic: 'hearing.reminder', find: upcomingHearings },
  reflection: { subject: 'victim', topic: 'reflection.reminder', find: endingReflectionPeriods },
  fund_decision: { subject: 'claim', topic: 'fund_decision.due', find: dueFundDecisions },
};

/** Part of the daily scan: enqueues each due reminder of the three kinds once. */
export async function scanUpcoming(
  db: Db,
  today = todayUtc(),
): Promise<{ enqueued: number; outboxIds: string[] }> {
  const outboxIds = await transact(db, async (trx) => {
    const ids: string[] = [];
    for (const [kind, spec] of Object.entries(KINDS) as Array<[Kind, KindSpec]>) {
      for (const u of await spec.find(trx, today, Math.max(...UPCOMING_OFFSETS))) {
        const offsetDays = upcomingOffsetFor(u.daysLeft);
        if (offsetDays === undefined) continue;
        const reminderId = await insertUpcomingOnce(trx, {
          subject: spec.subject,
          subjectId: u.subjectId,
          kind,
          dueOn: u.dueOn,
          offsetDays,
          scannedOn: today,
          assigneeId: u.assigneeId,
        });
        if (!reminderId) continue;
        const outboxId = await enqueueOutbox(trx, spec.topic, { reminderId });
        await setReminderOutbox(trx, reminderId, outboxId);
        ids.push(outboxId);
      }
    }
    return ids;
  });
  return { enqueued: outboxIds.length, outboxIds };
}

export const upcomingPayloadSchema = Joi.object<{ reminderId: string }, true>({
  reminderId: bigintId().required(),
});

type Deps = { trx: Trx; mailer: Mailer };

/**
 * Staff mail, addressed to every recipient at once (one SMTP transaction: a retry never reaches
 * some of them twice), in their language if they share one, else English. It names the claim or
 * the victim by reference only.
 */
async function send(
  deps: Deps,
  key: MailKey,
  recipients: StaffRecipient[],
  prefix: string,
  vars: Record<string, string | number>,
  who: string,
): Promise<string> {
  if (recipients.length === 0) return 'skipped: nobody to tell';
  const language = sharedLanguage(recipients);
  const t = mailTranslator(language);
  const message = renderMail(language, recipients.map((r) => r.email).join(', '), {
    subject: t(`${prefix}.subject`, vars),
    paragraphs: [t(`${prefix}.body`, vars), t(`${prefix}.action`)],
  });
  const sent = await deps.mailer.send(message, key);
  return `${recipients.length} ${who}: ${sent.detail}`;
}

async function load(deps: Deps, reminderId: string, kind: Kind) {
  const r = await findUpcomingReminder(deps.trx, reminderId);
  return r && r.kind === kind ? r : undefined;
}

/** Not sent once the hearing was given another date, adjourned, cancelled or held, or the claim ended. */
export async function sendHearingReminder(
  deps: Deps,
  payload: { reminderId: string },
  key: MailKey,
): Promise<string> {
  const r = await load(deps, payload.reminderId, 'hearing');
  if (!r || !r.claim_id) return 'skipped: reminder not found';
  if (!(await hearingStillOn(deps.trx, r.claim_id, r.due_on))) return 'skipped: hearing moved or past';
  const user = r.assignee_id ? await findActiveUser(deps.trx, r.assignee_id) : undefined;
  if (!user) return 'skipped: assignee inactive';
  const days = Math.max(0, daysBetween(r.scanned_on, r.due_on));
  return send(
    deps,
    key,
    [user],
    'hearing',
    { reference: r.claim_reference!, date: r.due_on, days },
    'assignee(s)',
  );
}

/** Not sent when the period was recorded differently since the scan. */
export async function sendReflectionReminder(
  deps: Deps,
  payload: { reminderId: string },
  key: MailKey,
): Promise<string> {
  const r = await load(deps, payload.reminderId, 'reflection');
  if (!r || !r.victim_id || !r.victim_organization_id) return 'skipped: reminder not found';
  if (r.reflection_ends_on !== r.due_on) return 'skipped: reflection period changed';
  const workers = await victimWorkers(deps.trx, r.victim_id, r.victim_organization_id);
  const days = Math.max(0, daysBetween(r.scanned_on, r.due_on));
  return send(
    deps,
    key,
    workers,
    'reflection',
    { reference: r.victim_reference!, date: r.due_on, days },
    'legal aid worker(s)',
  );
}

/** Not sent once the fund decided, or the claim closed, or the deadline moved. */
export async function sendFundDecisionDue(
  deps: Deps,
  payload: { reminderId: string },
  key: MailKey,
): Promise<string> {
  const r = await load(deps, payload.reminderId, 'fund_decision');
  if (!r || !r.claim_id || !r.fund_id) return 'skipped: reminder not found';
  if (r.claim_status === 'closed' || r.claim_status === 'withdrawn')
    return `skipped: claim ${r.claim_status}`;
  const d = await decisionDeadline(deps.trx, r.claim_id);
  if (!d || d.met_on !== null) return 'skipped: decided';
  if (d.due_on !== r.due_on) return 'skipped: deadline moved';
  const organizationId = await fundOrganization(deps.trx, r.fund_id);
  const admins = organizationId ? await fundAdministrators(deps.trx, organizationId) : [];
  const days = Math.max(0, daysBetween(r.scanned_on, r.due_on));
  return send(
    deps,
    key,
    admins,
    'fund_decision',
    { reference: r.claim_reference!, date: r.due_on, days },
    'fund administrator(s)',
  );
}
