import crypto from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { loginBody } from '../auth/auth.schemas';
import { login } from '../auth/login.service';
import type { AppContext } from '../context';
import { TooManyRequestsError, UnauthorizedError } from '../lib/errors';
import { normalizeLanguage, LANGUAGES, type Language } from '../lib/i18n';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, clearCookie, readCookie, setCookie } from './cookies';
import { sameToken } from './csrf';
import { takeFlash } from './flash';
import { formProblem, stripFormFields, type FormProblem } from './form-problems';
import { homeOf } from './nav';
import { render } from './render';
import { safeNext } from './session';
import { consoleText } from './text';

function languageOf(req: Request): Language {
  const chosen = req.query.language ?? (req.body as Record<string, unknown> | undefined)?.language;
  return normalizeLanguage(
    typeof chosen === 'string' && chosen ? chosen : req.acceptsLanguages(...LANGUAGES, 'tl') || undefined,
  );
}

function showSignIn(
  ctx: AppContext,
  req: Request,
  res: Response,
  extra: { problem?: FormProblem; message?: string; next?: string },
  status = 200,
): void {
  const secure = ctx.config.nodeEnv === 'production';
  const language = languageOf(req);
  const t = consoleText(language);
  // a fresh double-submit token for the form, in a cookie only this site can set
  const csrf = crypto.randomBytes(24).toString('base64url');
  setCookie(res, PRE_SESSION_COOKIE, csrf, secure, 60 * 60_000);
  render(
    res,
    { language, t, path: req.originalUrl, csrf, flash: takeFlash(req, res, t, secure) },
    'sign-in.njk',
    { title: t('signIn.title'), ...extra, next: extra.next ?? safeNext(req.query.next) },
    status,
  );
}

/** The sign-in page and form: the API's login (same limits, same audit), kept in a cookie. */
export function registerSignIn(ctx: AppContext, router: Router): void {
  const secure = ctx.config.nodeEnv === 'production';

  router.get('/sign-in', (req, res) => showSignIn(ctx, req, res, {}));

  router.post('/sign-in', async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const expected = readCookie(req, PRE_SESSION_COOKIE);
      const nextPath = safeNext(body._next);
      const t = consoleText(languageOf(req));
      if (!expected || !sameToken(expected, body._csrf)) {
        showSignIn(ctx, req, res, { message: t('error.csrf.text'), next: nextPath }, 403);
        return;
      }
      const { language: _language, ...values } = stripFormFields(body);
      const checked = loginBody.validate(values, { abortEarly: false });
      if (checked.error) {
        showSignIn(ctx, req, res, { problem: formProblem(t, checked.error, values), next: nextPath }, 422);
        return;
      }
      try {
        const session = await login(ctx, checked.value, {
          ip: req.ip ?? '',
          requestId: String(res.getHeader('x-request-id') ?? ''),
          channel: 'console',
        });
        clearCookie(res, PRE_SESSION_COOKIE, secure);
        setCookie(res, SESSION_COOKIE, session.token, secure, ctx.config.tokenTtlMinutes * 60_000);
        res.redirect(303, nextPath ?? homeOf(session.user.role));
      } catch (err) {
        if (err instanceof UnauthorizedError) {
          showSignIn(ctx, req, res, { message: t('signIn.refused'), next: nextPath }, 401);
        } else if (err instanceof TooManyRequestsError) {
          const minutes = Math.max(1, Math.ceil(err.retryAfterSeconds / 60));
          res.setHeader('Retry-After', String(err.retryAfterSeconds));
          showSignIn(ctx, req, res, { message: t('signIn.throttled', { minutes }), next: nextPath }, 429);
        } else throw err;
      }
    } catch (err) {
      next(err);
    }
  });
}
