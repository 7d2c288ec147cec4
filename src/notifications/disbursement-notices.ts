import Joi from 'joi';
import type { Trx } from '../lib/db';
import { sharedLanguage } from '../lib/i18n';
import type { OutboxPayloads } from '../lib/outbox';
import type { MailKey, Mailer } from './mailer';
import {
  approverIds,
  findDisbursementForNotice,
  fundAdministrators,
  type StaffRecipient,
} from './notifications.repository';
import { mailTranslator, renderMail } from './templates';

export type DisbursementNoticePayload = OutboxPayloads['disbursement.awaiting_approval'];

export const disbursementNoticePayloadSchema = Joi.object<DisbursementNoticePayload, true>({
  disbursementId: Joi.string().guid().required(),
});

/**
 * Fund administrators' notices: one e-mail per event, addressed to every recipient at once (one
 * SMTP transaction, so a retry never reaches some of them twice). They name the payment by its
 * neutral payment reference only: no victim, no amount, no purpose.
 */
async function send(
  deps: { trx: Trx; mailer: Mailer },
  key: MailKey,
  recipients: StaffRecipient[],
  kind: 'awaiting' | 'failed',
  reference: string,
): Promise<string> {
  if (recipients.length === 0) return 'skipped: nobody to tell';
  const language = sharedLanguage(recipients);
  const t = mailTranslator(language);
  const message = renderMail(language, recipients.map((r) => r.email).join(', '), {
    subject: t(`disbursement.${kind}.subject`),
    paragraphs: [t(`disbursement.${kind}.body`, { reference })],
  });
  const sent = await deps.mailer.send(message, key);
  return `${recipients.length} fund administrator(s): ${sent.detail}`;
}

/** To the fund's administrators who may still approve: not the requester, not who approved. */
export async function sendAwaitingApproval(
  deps: { trx: Trx; mailer: Mailer },
  payload: DisbursementNoticePayload,
  key: MailKey,
): Promise<string> {
  const d = await findDisbursementForNotice(deps.trx, payload.disbursementId);
  if (!d) return 'skipped: disbursement not found';
  if (d.status !== 'requested') return `skipped: already ${d.status}`;
  const done = new Set([d.requested_by, ...(await approverIds(deps.trx, d.id))]);
  const recipients = (await fundAdministrators(deps.trx, d.organization_id)).filter((u) => !done.has(u.id));
  return send(deps, key, recipients, 'awaiting', d.payment_reference);
}

/** To the requester and the approvers, who know the payment and can request it again. */
export async function sendPayoutFailed(
  deps: { trx: Trx; mailer: Mailer },
  payload: DisbursementNoticePayload,
  key: MailKey,
): Promise<string> {
  const d = await findDisbursementForNotice(deps.trx, payload.disbursementId);
  if (!d) return 'skipped: disbursement not found';
  if (d.status !== 'failed') return `skipped: ${d.status}, not failed`;
  const involved = new Set([d.requested_by, ...(await approverIds(deps.trx, d.id))]);
  const recipients = (await fundAdministrators(deps.trx, d.organization_id)).filter((u) =>
    involved.has(u.id),
  );
  return send(deps, key, recipients, 'failed', d.payment_reference);
}
