import {
  checkJobRegistry,
  JOB_HANDLERS,
  JOB_NAMES,
  jobForTopic,
  jobOptions,
  retryDelayMs,
  TOPIC_JOBS,
} from '../../jobs/queues';
import { loadConfig } from '../../src/config';
import { renderWelcomeEmail } from '../../src/notifications/welcome';

const config = loadConfig({ NODE_ENV: 'test', JOB_ATTEMPTS: '4', JOB_BACKOFF_MS: '250' });

describe('job registry', () => {
  it('accepts the real registry: one handler per job name, every topic mapped', () => {
    expect(() => checkJobRegistry()).not.toThrow();
    expect(Object.keys(JOB_HANDLERS).sort()).toEqual([...JOB_NAMES].sort());
    expect(jobForTopic('user.welcome')).toBe('mail.welcome');
  });

  it('refuses a job name without a handler', () => {
    expect(() => checkJobRegistry({}, ['mail.welcome'], {})).toThrow('job "mail.welcome" has no handler');
  });

  it('refuses a handler that no job name declares', () => {
    const handlers = { ...JOB_HANDLERS, 'mail.unknown': JOB_HANDLERS['mail.welcome'] };
    expect(() => checkJobRegistry(handlers, JOB_NAMES, TOPIC_JOBS)).toThrow(
      'handler "mail.unknown" is not a known job name',
    );
  });

  it('refuses a topic mapped to a job that does not exist', () => {
    expect(() => checkJobRegistry(JOB_HANDLERS, JOB_NAMES, { 'user.gone': 'mail.gone' })).toThrow(
      'topic "user.gone" maps to unknown job "mail.gone"',
    );
  });

  it('leaves a topic this release does not know to a newer worker', () => {
    expect(jobForTopic('claim.archived')).toBeUndefined();
    expect(jobForTopic('toString')).toBeUndefined();
  });

  it('uses the outbox id as job id, with exponential retries from config', () => {
    const opts = jobOptions(config, '42');
    expect(opts).toMatchObject({
      jobId: '42',
      attempts: 4,
      backoff: { type: 'exponential', delay: 250 },
      removeOnFail: false,
    });
  });

  it('doubles the in-process retry delay after each failed attempt', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(config, n))).toEqual([250, 500, 1000, 2000]);
  });
});

describe('welcome e-mail', () => {
  const mail = renderWelcomeEmail({
    name: 'Ana <b>Lopez</b>',
    email: 'ana@example.org',
    role: 'fund_admin',
    publicUrl: 'https://redress.example.org',
  });

  it('has a neutral subject and goes to the new user', () => {
    expect(mail.subject).toBe('Your Redress account');
    expect(mail.to).toBe('ana@example.org');
  });

  it('links to the public address in text and HTML', () => {
    expect(mail.text).toContain('https://redress.example.org');
    expect(mail.html).toContain('<a href="https://redress.example.org">');
    expect(mail.text).toContain('fund administrator');
  });

  it('escapes the name in HTML and never mentions trafficking', () => {
    expect(mail.html).toContain('Hello Ana &lt;b&gt;Lopez&lt;/b&gt;,');
    expect(mail.html).not.toContain('<b>Lopez</b>');
    expect(`${mail.subject} ${mail.text} ${mail.html}`).not.toMatch(/traffick/i);
  });
});
