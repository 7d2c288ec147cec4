import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { LANGUAGES, normalizeLanguage } from '../lib/i18n';
import { defineRoute } from '../lib/route';
import { CONTENT_SECURITY_POLICY } from '../status/status.view';
import { renderHomePage } from './home.page';

export interface HomeQuery {
  language?: string;
}

// A shared link may carry anything: an odd language falls back to English, never a 400.
const homeQuery = Joi.object<HomeQuery, true>({ language: Joi.string().allow('').max(35) }).unknown(true);

export function registerHomeRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/',
      summary: 'The landing page (HTML, no JavaScript): links to the status page and the API docs',
      tags: ['Pages'],
      permission: null,
      query: homeQuery,
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
    },
    async (call, req, res) => {
      const chosen = call.query.language;
      const language = normalizeLanguage(
        chosen || req.acceptsLanguages(...LANGUAGES, 'tl', 'tgl') || undefined,
      );
      res
        .status(200)
        .set({
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'Cache-Control': 'no-store',
          'Referrer-Policy': 'no-referrer',
          Vary: 'Accept-Language',
        })
        .send(renderHomePage(language));
    },
  );
}
