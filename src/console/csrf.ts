import crypto from 'node:crypto';

/**
 * The form token of a signed-in session is derived from the session's secret cookie (a
 * synchronizer token that needs no storage): a page from another site can neither read the
 * cookie nor compute the token, so it cannot forge a form. Before sign-in, the sign-in form
 * carries the random value of a cookie set with the form (double submit).
 */
export function csrfTokenFor(sessionSecret: string): string {
  return crypto.createHash('sha256').update(`redress-console-csrf:${sessionSecret}`).digest('base64url');
}

export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
