import type { Request, Response } from 'express';
import { FLASH_COOKIE, clearCookie, readCookie, setCookie } from './cookies';
import type { ConsoleText } from './text';

/** A message for the next page, carried in a short-lived cookie as a text key and its values. */
export interface Flash {
  key: string;
  vars?: Record<string, string | number>;
}

export function setFlash(res: Response, flash: Flash, secure: boolean): void {
  setCookie(res, FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), secure, 60_000);
}

/**
 * Reads and clears the flash. Only a known text key is shown (a forged cookie can at most pick
 * another of the console's own messages; its values are escaped like any other).
 */
export function takeFlash(req: Request, res: Response, t: ConsoleText, secure: boolean): string | undefined {
  const raw = readCookie(req, FLASH_COOKIE);
  if (!raw) return undefined;
  clearCookie(res, FLASH_COOKIE, secure);
  try {
    const flash = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Flash;
    if (typeof flash.key !== 'string' || !/^[a-z][\w.-]{0,80}$/i.test(flash.key)) return undefined;
    const vars: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(flash.vars ?? {}))
      if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
    return t(flash.key, vars);
  } catch {
    return undefined;
  }
}
