import crypto from 'node:crypto';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../src/auth/passwords';

describe('password hashing (scrypt)', () => {
  it('stores scheme, cost parameters, salt and key, and never the password itself', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const parts = stored.split('$');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', stored)).resolves.toBe(false);
    await expect(verifyPassword('Correct horse battery staple', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const a = await hashPassword('the same password');
    const b = await hashPassword('the same password');
    expect(a).not.toBe(b);
    await expect(verifyPassword('the same password', a)).resolves.toBe(true);
    await expect(verifyPassword('the same password', b)).resolves.toBe(true);
  });

  it('derives the key exactly as scrypt(N=32768, r=8, p=1) over the stored salt', async () => {
    const stored = await hashPassword('abcdefghijkl');
    const [, , , , salt, key] = stored.split('$');
    const expected = crypto.scryptSync('abcdefghijkl', Buffer.from(salt!, 'base64'), 32, {
      N: 32768,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    expect(key).toBe(expected.toString('base64'));
  });

  it('treats canonically equivalent Unicode spellings as the same password (NFKC)', async () => {
    const composed = 'caf\u00e9 password!'; // é as one code point
    const decomposed = 'cafe\u0301 password!'; // e + combining acute accent
    expect(composed).not.toBe(decomposed);
    const stored = await hashPassword(composed);
    await expect(verifyPassword(decomposed, stored)).resolves.toBe(true);
  });

  it('reads cost parameters from the stored hash, so old hashes still verify after a change', async () => {
    const salt = crypto.randomBytes(16);
    const key = crypto.scryptSync('older password', salt, 32, { N: 16384, r: 8, p: 1 });
    const stored = ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    await expect(verifyPassword('older password', stored)).resolves.toBe(true);
    await expect(verifyPassword('other password', stored)).resolves.toBe(false);
  });

  it('refuses hashes of an unknown scheme or with parts missing', async () => {
    await expect(verifyPassword('x', 'bcrypt$2b$10$abc')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$32768$8$1$')).resolves.toBe(false);
    await expect(verifyPassword('x', '')).resolves.toBe(false);
  });

  it('has a dummy hash with the real cost parameters that matches no password', async () => {
    expect(DUMMY_HASH.split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    for (const guess of ['', 'password', 'AAAAAAAAAAAA', DUMMY_HASH]) {
      await expect(verifyPassword(guess, DUMMY_HASH)).resolves.toBe(false);
    }
  });
});
