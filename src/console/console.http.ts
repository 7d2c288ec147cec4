import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { logout } from '../auth/login.service';
import { LANGUAGES, type Language } from '../lib/i18n';
import { registerAdminPages } from './admin';
import { registerAuditPages } from './audit';
import { registerClaimPages } from './claims';
import { consoleAction } from './console-route';
import { SESSION_COOKIE, clearCookie } from './cookies';
import { registerFundPages } from './funds';
import { homeOf } from './nav';
import { render, STATIC_DIR } from './render';
import { consoleSession, safeNext } from './session';
import { setPreferredLanguage } from './session.repository';
import { registerSignIn } from './sign-in';
import { consoleText } from './text';
import { viewerOf } from './viewer';
import { registerWorkerPages } from './worker';

interface LanguageChoice {
  language: Language;
  back?: string;
}
const languageChoice = Joi.object<LanguageChoice, true>({
  language: Joi.string()
    .valid(...LANGUAGES)
    .required(),
  back: Joi.string().max(2000),
});

/**
 * The staff console: server-rendered pages under /console that call the services directly (no
 * HTTP hop), behind a cookie session, with the API's permission table and need-to-know.
 */
export function registerConsoleRoutes(ctx: AppContext, app: Express): void {
  const secure = ctx.config.nodeEnv === 'production';
  app.use('/console/static', express.static(STATIC_DIR, { maxAge: '1h', fallthrough: false, index: false }));

  const router = express.Router();
  app.use(
    '/console',
    express.urlencoded({ extended: true, limit: ctx.config.bodyLimitBytes, parameterLimit: 2000 }),
  );
  app.use('/console', router);
  registerSignIn(ctx, router);
  router.use(consoleSession(ctx));

  consoleAction(ctx, router, {
    path: '/sign-out',
    permission: 'auth:session',
    schema: Joi.object({}),
    run: async (call) => {
      await logout(call.ctx, call.actor, { ip: call.req.ip ?? '', requestId: call.requestId });
      clearCookie(call.res, SESSION_COOKIE, secure);
      return { redirect: '/console/sign-in', flash: { key: 'signOut.done' } };
    },
    reshow: async (call) => call.res.redirect(303, '/console'),
  });

  consoleAction(ctx, router, {
    path: '/language',
    permission: 'auth:session',
    schema: languageChoice,
    run: async (call, input) => {
      await setPreferredLanguage(call.ctx.db, call.actor.userId, input.language);
      return { redirect: safeNext(input.back) ?? homeOf(call.actor.role) };
    },
    reshow: async (call) => call.res.redirect(303, '/console'),
  });

  // Each role starts on its own home; the legal aid worker's is the caseload, at /console itself.
  router.get('/', (req, res, next) => {
    const viewer = viewerOf(req);
    if (viewer && homeOf(viewer.actor.role) !== '/console') res.redirect(303, homeOf(viewer.actor.role));
    else next();
  });

  registerWorkerPages(ctx, router);
  registerClaimPages(ctx, router);
  registerFundPages(ctx, router);
  registerAuditPages(ctx, router);
  registerAdminPages(ctx, router);

  router.use((req: Request, res: Response) => {
    const viewer = viewerOf(req);
    const language = viewer?.language ?? 'en';
    const t = consoleText(language);
    render(
      res,
      { viewer, language, t, path: req.originalUrl, csrf: viewer?.csrf ?? '' },
      'error.njk',
      { title: t('error.notFound.title'), message: t('error.notFound.text') },
      404,
    );
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = String(res.getHeader('x-request-id') ?? '');
    ctx.logger.error({ err, requestId }, 'console page failed');
    const viewer = viewerOf(req);
    const language = viewer?.language ?? 'en';
    const t = consoleText(language);
    render(
      res,
      { viewer, language, t, path: req.originalUrl, csrf: viewer?.csrf ?? '' },
      'error.njk',
      { title: t('error.internal.title'), message: t('error.internal.text', { requestId }) },
      500,
    );
  });
}
