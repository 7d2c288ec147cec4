import Joi from 'joi';
import type { FieldCipher } from '../lib/crypto';
import type { Trx } from '../lib/db';
import { normalizeLanguage } from '../lib/i18n';
import type { OutboxPayloads } from '../lib/outbox';
import { FIELD } from '../victims/victims.mapper';
import type { MailKey, Mailer } from './mailer';
import { findClaimAndVictim } from './notifications.repository';
import { mailTranslator, renderMail, statusPageUrl } from './templates';

export type StatusChangedPayload = OutboxPayloads['claim.status_changed'];

export const statusChangedPayloadSchema = Joi.object<StatusChangedPayload, true>({
  claimId: Joi.string().guid().required(),
  status: Joi.string().max(64).required(),
});

export type VictimRecipient =
  { send: true; email: string; role: 'victim' | 'guardian' } | { send: false; reason: string };

/**
 * Whom a victim-facing message may go to, decided when it is sent (consent or safety may have
 * changed since the claim did). An adult: their own address, with consent to e-mail and a
 * contact marked safe. A child: never directly; the recorded contact of a child is the
 * guardian's, so it goes there only when a guardian is recorded, under the same conditions.
 */
export function victimRecipient(victim: {
  consentContactByEmail: boolean;
  safeToContact: boolean;
  isChild: boolean;
  hasGuardian: boolean;
  email: string | null;
}): VictimRecipient {
  if (!victim.consentContactByEmail) return { send: false, reason: 'no consent to contact by e-mail' };
  if (!victim.safeToContact) return { send: false, reason: 'contact not safe' };
  if (!victim.email) return { send: false, reason: 'no e-mail address' };
  if (victim.isChild) {
    if (!victim.hasGuardian) return { send: false, reason: 'child without a recorded guardian' };
    return { send: true, email: victim.email, role: 'guardian' };
  }
  return { send: true, email: victim.email, role: 'victim' };
}

/** The recipient rule applied to a stored victim row (the contact decrypted in memory only). */
export function recipientOf(
  cipher: FieldCipher,
  victim: {
    consent_contact_by_email: boolean;
    safe_to_contact: boolean;
    is_child: boolean;
    guardian_enc: string | null;
    contact_enc: string | null;
  },
): VictimRecipient {
  const contact = victim.contact_enc
    ? (JSON.parse(cipher.decrypt(FIELD.contact, victim.contact_enc)) as { email?: string | null })
    : null;
  return victimRecipient({
    consentContactByEmail: victim.consent_contact_by_email,
    safeToContact: victim.safe_to_contact,
    isChild: victim.is_child,
    hasGuardian: victim.guardian_enc !== null,
    email: contact?.email ?? null,
  });
}

/**
 * The neutral "there is an update" e-mail: no claim details, no amounts, nothing that says what
 * the service is about; only a pointer to the status page, in the victim's language.
 */
export async function sendStatusChangedEmail(
  deps: { trx: Trx; cipher: FieldCipher; mailer: Mailer; publicUrl: string },
  payload: StatusChangedPayload,
  key: MailKey,
): Promise<string> {
  const found = await findClaimAndVictim(deps.trx, payload.claimId);
  if (!found) return 'skipped: claim not found';
  const { victim } = found;
  const recipient = recipientOf(deps.cipher, victim);
  if (!recipient.send) return `skipped: ${recipient.reason}`;
  const language = normalizeLanguage(victim.preferred_language);
  const t = mailTranslator(language);
  const message = renderMail(language, recipient.email, {
    subject: t('update.subject'),
    paragraphs: [t(recipient.role === 'guardian' ? 'update.guardian' : 'update.victim')],
    link: { label: t('update.link'), url: statusPageUrl(deps.publicUrl) },
    ignorable: true,
  });
  const sent = await deps.mailer.send(message, key);
  // Where it went by role, never the address: deliveries are visible to admins.
  return `${recipient.role} (${language}): ${sent.detail}`;
}
