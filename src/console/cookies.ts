import type { Request, Response } from 'express';

/** The console's cookies: the session itself, the sign-in form's token, and a one-time flash. */
export const SESSION_COOKIE = 'redress_console';
export const PRE_SESSION_COOKIE = 'redress_console_pre';
export const FLASH_COOKIE = 'redress_console_flash';
export const CONSOLE_PATH = '/console';

/** Reads one cookie without a parser dependency (values are base64url or short keys). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Lax (no cross-site form carries it; a link from an
 * e-mail still opens the page signed in), Secure in production, scoped to the console.
 */
export function setCookie(
  res: Response,
  name: string,
  value: string,
  secure: boolean,
  maxAgeMs?: number,
): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CONSOLE_PATH,
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  });
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: CONSOLE_PATH });
}
