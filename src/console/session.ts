import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context';
import { hashToken } from '../lib/auth';
import { SESSION_COOKIE, readCookie } from './cookies';
import { csrfTokenFor } from './csrf';
import { findConsoleSession, touchConsoleSession } from './session.repository';
import './viewer';

/** The idle clock is moved on at most this often, not on every click. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Finds the console session behind the cookie; no session (or an idle, revoked or deactivated
 * one) sends the person to sign in, coming back to the page they asked for.
 */
export function consoleSession(ctx: AppContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const secret = readCookie(req, SESSION_COOKIE);
      const row =
        secret && /^[A-Za-z0-9_-]{20,200}$/.test(secret)
          ? await findConsoleSession(ctx.db, hashToken(secret), ctx.config.consoleIdleMinutes)
          : undefined;
      if (!row || !secret) {
        const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
        res.redirect(303, `/console/sign-in${back}`);
        return;
      }
      if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS)
        await touchConsoleSession(ctx.db, row.tokenId);
      req.actor = {
        userId: row.userId,
        role: row.role,
        organizationId: row.organizationId,
        tokenId: row.tokenId,
      };
      req.consoleViewer = {
        actor: req.actor,
        name: row.name,
        language: row.language,
        csrf: csrfTokenFor(secret),
      };
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Only a path inside the console may be a redirect target (no open redirect). */
export function safeNext(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/console(\/|$|\?)/.test(next) && !next.startsWith('//')
    ? next
    : undefined;
}
