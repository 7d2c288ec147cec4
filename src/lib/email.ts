import Joi from 'joi';

/**
 * The one e-mail address schema, used wherever an address comes in (configuration, staff
 * accounts, sign-in, victims' contacts, partner organizations). Joi's default checks the
 * top-level domain against IANA's list, which refuses internal and reserved domains that real
 * deployments use (`.test`, `.local`, `.internal`, a company's own TLD): syntax is what we check,
 * delivery is the mail relay's business. The domain still needs a dot (`a@b.c`), which catches
 * the common typo `name@gmailcom`; 254 characters is the SMTP limit of a forward path.
 */
export const emailSchema: Joi.StringSchema = Joi.string()
  .trim()
  .email({ tlds: { allow: false }, minDomainSegments: 2 })
  .max(254);

// "Display Name <address>" or a bare address, as nodemailer and RFC 5322 accept in From.
const MAILBOX = /^\s*(?:[^<>]*<([^<>]+)>|([^<>\s]+))\s*$/;

/** A sender such as `Redress <no-reply@redress.local>`: the address inside obeys emailSchema. */
export const mailboxSchema: Joi.StringSchema = Joi.string()
  .trim()
  .max(320)
  .custom((value: string, helpers) => {
    const match = MAILBOX.exec(value);
    const address = match?.[1] ?? match?.[2];
    if (!address || emailSchema.validate(address).error) return helpers.error('mailbox.invalid');
    return value;
  })
  .messages({ 'mailbox.invalid': '{{#label}} must be an e-mail address, optionally as "Name <address>"' });
