import {
  maskAddresses,
  reduceJobError,
  summarizeDeliveryError,
} from '../../src/notifications/delivery-errors';

const address = 'naw.htoo@mail.example.net';

describe('SMTP and provider errors reduced to a category and code', () => {
  it.each([
    [
      'a recipient refused at RCPT TO',
      Object.assign(new Error(`Can't send mail - all recipients were rejected: 550 <${address}>: unknown`), {
        code: 'EENVELOPE',
        command: 'RCPT TO',
        responseCode: 550,
        rejected: [address],
      }),
      { category: 'recipient_rejected', code: 550 },
    ],
    [
      'a recipient deferred (greylisting)',
      Object.assign(new Error(`451 <${address}> try later`), {
        code: 'EENVELOPE',
        command: 'RCPT TO',
        responseCode: 451,
      }),
      { category: 'recipient_deferred', code: 451 },
    ],
    [
      'the message refused after DATA',
      Object.assign(new Error(`Message rejected for ${address}`), {
        code: 'EMESSAGE',
        command: 'DATA',
        responseCode: 554,
      }),
      { category: 'message_rejected', code: 554 },
    ],
    [
      'a closed SMTP port',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET', command: 'CONN' }),
      { category: 'smtp_unreachable', code: 'ECONNREFUSED' },
    ],
    [
      'bad SMTP credentials',
      Object.assign(new Error('Invalid login: 535 Authentication failed'), {
        code: 'EAUTH',
        responseCode: 535,
      }),
      { category: 'smtp_auth_failed', code: 535 },
    ],
    [
      'a database error that quotes a value',
      Object.assign(new Error(`duplicate key value violates unique constraint, Key (email)=(${address})`), {
        code: '23505',
      }),
      { category: 'database', code: '23505' },
    ],
    [
      'a send that ran out of time',
      Object.assign(new Error('aborted'), { name: 'TimeoutError' }),
      { category: 'smtp_timeout', code: null },
    ],
    [
      'a full disk for the .eml files',
      Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }),
      { category: 'mail_storage', code: 'ENOSPC' },
    ],
    ['anything else', new Error(`weird failure for ${address}`), { category: 'internal', code: null }],
  ])('%s', (_what, err, expected) => {
    expect(summarizeDeliveryError(err)).toEqual(expected);
    const reduced = reduceJobError(err);
    expect(`${reduced.message} ${reduced.stack ?? ''}`).not.toContain(address);
  });

  it('marks a malformed message as permanent, and masks addresses in texts stored before', () => {
    const invalid = Object.assign(new Error('outbox 7: invalid payload'), { name: 'PermanentJobError' });
    expect(reduceJobError(invalid)).toMatchObject({ permanent: true, message: 'invalid_message' });
    expect(maskAddresses(`550 <${address}>: Recipient address rejected`)).toBe(
      '550 <[address]>: Recipient address rejected',
    );
  });
});
