import { ConfigError, loadConfig } from '../../src/config';
import { emailSchema, mailboxSchema } from '../../src/lib/email';

const accepts = (schema: typeof emailSchema, value: string) => schema.validate(value).error === undefined;

describe('the one e-mail schema', () => {
  it.each([
    'admin@redress.test',
    'ops@mail.redress.local',
    'it@corp.internal',
    'someone@example.org',
    'first.last+tag@sub.example.co.th',
    'name@company.intranet',
  ])('accepts %s: any syntactically valid address, whatever its top-level domain', (address) => {
    expect(accepts(emailSchema, address)).toBe(true);
  });

  it.each(['not-an-address', 'a@', '@b.test', 'a b@c.test', 'a@gmailcom', `${'x'.repeat(250)}@a.test`])(
    'refuses %s',
    (address) => {
      expect(accepts(emailSchema, address)).toBe(false);
    },
  );

  it('accepts a sender with a display name or a bare address, and refuses anything else', () => {
    expect(accepts(mailboxSchema, 'Redress <no-reply@redress.local>')).toBe(true);
    expect(accepts(mailboxSchema, 'no-reply@redress.internal')).toBe(true);
    expect(accepts(mailboxSchema, 'Redress <not an address>')).toBe(false);
    expect(accepts(mailboxSchema, 'Redress')).toBe(false);
  });
});

describe('configuration e-mail addresses', () => {
  it.each(['admin@redress.test', 'admin@redress.local', 'admin@corp.internal'])(
    'starts with REDRESS_ADMIN_EMAIL=%s',
    (email) => {
      const config = loadConfig({ REDRESS_ADMIN_EMAIL: email, REDRESS_ADMIN_PASSWORD: 'a long password' });
      expect(config.adminEmail).toBe(email);
    },
  );

  it('still stops on an address that is not one, naming the variable', () => {
    expect(() =>
      loadConfig({ REDRESS_ADMIN_EMAIL: 'admin at redress', REDRESS_ADMIN_PASSWORD: 'a long password' }),
    ).toThrow(/^\s+REDRESS_ADMIN_EMAIL: /m);
  });

  it('checks MAIL_FROM with the same rule: internal domains pass, a sender without an address stops start-up', () => {
    expect(loadConfig({ MAIL_FROM: 'Redress <no-reply@redress.internal>' }).mailFrom).toBe(
      'Redress <no-reply@redress.internal>',
    );
    expect(() => loadConfig({ MAIL_FROM: 'Redress' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAIL_FROM: 'Redress' })).toThrow(/^\s+MAIL_FROM: /m);
  });
});
