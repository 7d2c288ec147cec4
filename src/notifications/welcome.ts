import Joi from 'joi';
import type { Kysely } from 'kysely';
import type { Role } from '../lib/auth';
import type { Database } from '../lib/database';
import type { OutboxPayloads } from '../lib/outbox';
import type { MailKey, MailMessage, Mailer } from './mailer';

export type WelcomePayload = OutboxPayloads['user.welcome'];

export const welcomePayloadSchema = Joi.object<WelcomePayload>({
  userId: Joi.string().guid().required(),
});

const ROLE_LABELS: Record<Role, string> = {
  admin: 'administrator',
  legal_aid: 'legal aid worker',
  fund_admin: 'fund administrator',
  auditor: 'auditor',
};

/**
 * The welcome e-mail to a new staff user. Neutral on purpose (nothing that leaves the system
 * says what the service is about), and never the password: the administrator hands that over
 * separately. Per-language catalogs (issue 6) replace these literals.
 */
export function renderWelcomeEmail(input: {
  name: string;
  email: string;
  role: Role;
  publicUrl: string;
}): MailMessage {
  const url = input.publicUrl;
  const role = ROLE_LABELS[input.role];
  const subject = 'Your Redress account';
  const text = [
    `Hello ${input.name},`,
    '',
    `An administrator has created a Redress account for you (${role}).`,
    '',
    `Sign in at ${url} with this e-mail address (${input.email}) and the password your`,
    'administrator gives you. We never send passwords by e-mail.',
    '',
    'If you did not expect this message, tell your administrator.',
    '',
    'Redress',
  ].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>Hello ${escapeHtml(input.name)},</p>`,
    `<p>An administrator has created a Redress account for you (${escapeHtml(role)}).</p>`,
    `<p>Sign in at <a href="${escapeHtml(url)}">${escapeHtml(url)}</a> with this e-mail address`,
    `(${escapeHtml(input.email)}) and the password your administrator gives you.`,
    'We never send passwords by e-mail.</p>',
    '<p>If you did not expect this message, tell your administrator.</p>',
    '<p>Redress</p>',
    '</body></html>',
  ].join('\n');
  return { to: input.email, subject, text, html };
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
  const user = await deps.db
    .selectFrom('users')
    .select(['email', 'name', 'role', 'active'])
    .where('id', '=', payload.userId)
    .executeTakeFirst();
  if (!user) return 'skipped: user not found';
  if (!user.active) return 'skipped: user inactive';
  const message = renderWelcomeEmail({
    name: user.name,
    email: user.email,
    role: user.role,
    publicUrl: deps.publicUrl,
  });
  const sent = await deps.mailer.send(message, key);
  return sent.detail;
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
