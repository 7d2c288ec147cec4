import Joi from 'joi';
import type { FieldCipher } from '../lib/crypto';
import type { Trx } from '../lib/db';
import { normalizeLanguage } from '../lib/i18n';
import type { OutboxPayloads } from '../lib/outbox';
import type { MailKey, Mailer } from './mailer';
import { findPaidDisbursement, findPaymentToVictim, findVictimForMail } from './upcoming.repository';
import { mailTranslator, renderMail, statusPageUrl } from './templates';
import { recipientOf } from './victim-status';

export type PaymentMadePayload = OutboxPayloads['victim.payment_made'];

export const paymentMadePayloadSchema = Joi.object<PaymentMadePayload, true>({
  victimId: Joi.string().guid().required(),
  paymentId: Joi.string().guid(),
  disbursementId: Joi.string().guid(),
}).xor('paymentId', 'disbursementId');

/** Whether the money the message is about still stands as money that reached this victim. */
async function reachedVictim(trx: Trx, payload: PaymentMadePayload): Promise<string | null> {
  if (payload.paymentId) {
    const p = await findPaymentToVictim(trx, payload.paymentId);
    if (!p || p.victim_id !== payload.victimId) return 'payment not found';
    return p.paid_to === 'victim' ? null : 'paid into the fund';
  }
  const d = await findPaidDisbursement(trx, payload.disbursementId!);
  if (!d || d.victim_id !== payload.victimId) return 'disbursement not found';
  if (d.status !== 'paid') return `disbursement ${d.status}`;
  return d.hold_in_trust ? 'held in trust' : null;
}

/**
 * "A payment has been made to you": under the same rules as the status e-mail (consent, a safe
 * contact, a child only through the guardian), in the victim's language, with no amount, no
 * payer and no claim detail, only a pointer to the status page.
 */
export async function sendPaymentMadeEmail(
  deps: { trx: Trx; cipher: FieldCipher; mailer: Mailer; publicUrl: string },
  payload: PaymentMadePayload,
  key: MailKey,
): Promise<string> {
  const victim = await findVictimForMail(deps.trx, payload.victimId);
  if (!victim) return 'skipped: victim not found';
  const problem = await reachedVictim(deps.trx, payload);
  if (problem) return `skipped: ${problem}`;
  const recipient = recipientOf(deps.cipher, victim);
  if (!recipient.send) return `skipped: ${recipient.reason}`;
  const language = normalizeLanguage(victim.preferred_language);
  const t = mailTranslator(language);
  const message = renderMail(language, recipient.email, {
    subject: t('payment.subject'),
    paragraphs: [t(recipient.role === 'guardian' ? 'payment.guardian' : 'payment.victim')],
    link: { label: t('update.link'), url: statusPageUrl(deps.publicUrl) },
    ignorable: true,
  });
  const sent = await deps.mailer.send(message, key);
  return `${recipient.role} (${language}): ${sent.detail}`;
}
