import Joi from 'joi';
import type { Kysely } from 'kysely';
import type { Role } from '../lib/auth';
import type { Database } from '../lib/database';
import { DEFAULT_LANGUAGE, type Language } from '../lib/i18n';
import type { OutboxPayloads } from '../lib/outbox';
import type { MailKey, MailMessage, Mailer } from './mailer';
import { findWelcomeRecipient } from './notifications.repository';
import { mailTranslator, renderMail } from './templates';

export type WelcomePayload = OutboxPayloads['user.welcome'];

export const welcomePayloadSchema = Joi.object<WelcomePayload, true>({
  userId: Joi.string().guid().required(),
});

/**
 * The welcome e-mail to a new staff user, from the `mail` catalog. Neutral on purpose (nothing
 * that leaves the system says what the service is about), and never the password: the
 * administrator hands that over separately. In the language chosen for the account (English
 * unless set).
 */
export function renderWelcomeEmail(
  input: { name: string; email: string; role: Role; publicUrl: string },
  language: Language = DEFAULT_LANGUAGE,
): MailMessage {
  const t = mailTranslator(language);
  return renderMail(language, input.email, {
    subject: t('welcome.subject'),
    greeting: t('welcome.hello', { name: input.name }),
    paragraphs: [
      t('welcome.created', { role: t(`role.${input.role}`) }),
      t('welcome.signin', { email: input.email }),
      t('welcome.unexpected'),
    ],
    link: { label: t('welcome.link'), url: input.publicUrl },
  });
}

/**
 * Loads the user and sends the welcome e-mail. Returns what to record as the delivery detail.
 * A user removed or deactivated before the job ran gets nothing: that is a success, not a
 * failure to retry.
 */
export async function sendWelcomeEmail(
  deps: { db: Kysely<Database>; mailer: Mailer; publicUrl: string },
  payload: WelcomePayload,
  key: MailKey,
): Promise<string> {
  const user = await findWelcomeRecipient(deps.db, payload.userId);
  if (!user) return 'skipped: user not found';
  if (!user.active) return 'skipped: user inactive';
  const message = renderWelcomeEmail(
    { name: user.name, email: user.email, role: user.role, publicUrl: deps.publicUrl },
    user.preferred_language,
  );
  const sent = await deps.mailer.send(message, key);
  return sent.detail;
}
