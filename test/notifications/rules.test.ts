import { OVERDUE, reminderOffsetFor } from '../../src/notifications/deadline-reminders';
import { victimRecipient } from '../../src/notifications/victim-status';
import { renderWelcomeEmail } from '../../src/notifications/welcome';

describe('which reminder a deadline is due for', () => {
  it.each([
    [45, undefined],
    [31, undefined],
    [30, 30],
    [8, 30],
    [7, 7],
    [2, 7],
    [1, 1],
    [0, 1],
    [-1, OVERDUE],
    [-400, OVERDUE],
  ])('%i day(s) left → %p', (daysLeft, expected) => {
    expect(reminderOffsetFor(daysLeft)).toBe(expected);
  });
});

describe('who may receive a victim-facing e-mail', () => {
  const adult = {
    consentContactByEmail: true,
    safeToContact: true,
    isChild: false,
    hasGuardian: false,
    email: 'a@example.net',
  };

  it('sends to an adult who consented, with a safe contact and an address', () => {
    expect(victimRecipient(adult)).toEqual({ send: true, email: 'a@example.net', role: 'victim' });
  });

  it('sends nothing without consent, to an unsafe contact, or without an address', () => {
    expect(victimRecipient({ ...adult, consentContactByEmail: false })).toEqual({
      send: false,
      reason: 'no consent to contact by e-mail',
    });
    expect(victimRecipient({ ...adult, safeToContact: false })).toEqual({
      send: false,
      reason: 'contact not safe',
    });
    expect(victimRecipient({ ...adult, email: null })).toEqual({ send: false, reason: 'no e-mail address' });
  });

  it('never writes to a child directly: only to a recorded guardian, under the same conditions', () => {
    expect(victimRecipient({ ...adult, isChild: true })).toEqual({
      send: false,
      reason: 'child without a recorded guardian',
    });
    expect(victimRecipient({ ...adult, isChild: true, hasGuardian: true })).toEqual({
      send: true,
      email: 'a@example.net',
      role: 'guardian',
    });
    expect(victimRecipient({ ...adult, isChild: true, hasGuardian: true, safeToContact: false })).toEqual({
      send: false,
      reason: 'contact not safe',
    });
  });
});

describe('staff e-mails from the catalog', () => {
  it('renders the welcome e-mail in another language when asked, greeting by name', () => {
    const mail = renderWelcomeEmail(
      { name: 'Dara', email: 'dara@example.org', role: 'legal_aid', publicUrl: 'https://r.example.org' },
      'th',
    );
    expect(mail.subject).toBe('บัญชี Redress ของคุณ');
    expect(mail.text.split('\n\n')[0]).toBe('สวัสดี Dara');
    expect(mail.text).toContain('ผู้ดูแลระบบได้สร้างบัญชี Redress ให้คุณแล้ว (เจ้าหน้าที่ช่วยเหลือทางกฎหมาย)');
    expect(mail.text).toContain('เข้าสู่ระบบ Redress: https://r.example.org');
  });
});
