import express, { type Request, type Response, type Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { normalizeLanguage, LANGUAGES, type Language } from '../lib/i18n';
import { defineRoute } from '../lib/route';
import { registerAccessCodeRoutes } from './access-codes.http';
import { renderStatusPage, type PageModel } from './status.page';
import { checkStatus, StatusLockedError, StatusNotFoundError, type StatusInput } from './status.service';
import { CONTENT_SECURITY_POLICY } from './status.view';

const tags = ['Victim status'];

const statusBody = Joi.object<StatusInput, true>({
  reference: Joi.string().trim().min(1).max(40).required(),
  accessCode: Joi.string().trim().min(1).max(60).required(),
  language: Joi.string().trim().max(35),
});

const statusResponse = Joi.object({
  reference: Joi.string(),
  language: Joi.string().valid(...LANGUAGES),
  claims: Joi.array().items(
    Joi.object({
      route: Joi.string(),
      status: Joi.string(),
      statusText: Joi.string(),
      nextStep: Joi.string(),
      updatedOn: Joi.string(),
      awarded: Joi.string().description("This claim's award (a loss claimed on several routes is in each)"),
      paid: Joi.string().description(
        'Money of this claim that reached the victim; not what is held in trust',
      ),
      currency: Joi.string(),
      heldInTrust: Joi.string().description('Money of this claim the fund holds for the victim in trust'),
      paymentState: Joi.string().valid('no_award', 'unpaid', 'partly_paid', 'paid'),
      paymentText: Joi.string().allow('').description('On partial payment and money held in trust'),
      nextHearingOn: Joi.string()
        .allow(null)
        .description('The next hearing still scheduled, if today or later'),
    }),
  ),
  summary: Joi.object({
    stillOwed: Joi.object()
      .pattern(/^[A-Z]{3}$/, Joi.string())
      .description(
        'Per currency: still owed to the victim, each loss once across every route, after offsets',
      ),
    heldInTrust: Joi.object().pattern(/^[A-Z]{3}$/, Joi.string()),
    awarded: Joi.object()
      .pattern(/^[A-Z]{3}$/, Joi.string())
      .description('Per currency: awarded, each loss once (the largest award for it on any route)'),
    nextHearingOn: Joi.string().allow(null),
  }),
});

// The page takes what a form or a shared link may carry; odd values become messages, not 400s.
const pageText = (max: number) => Joi.string().allow('').max(max);
/** GET /status's query: the page's language; anything else a link carries is ignored. */
export interface PageQuery {
  language?: string;
}

/** POST /status's form fields, each possibly empty or missing. */
export interface PageForm {
  reference?: string;
  accessCode?: string;
  language?: string;
}

const pageQuery = Joi.object<PageQuery, true>({ language: pageText(35) }).unknown(true);
const pageBody = Joi.object<PageForm, true>({
  reference: pageText(200),
  accessCode: pageText(200),
  language: pageText(35),
}).unknown(true);

function pageLanguage(req: Request, chosen: string | undefined): { language: Language; chosen: boolean } {
  if (chosen) return { language: normalizeLanguage(chosen), chosen: true };
  const best = req.acceptsLanguages(...LANGUAGES, 'tl', 'tgl');
  return { language: normalizeLanguage(best || undefined), chosen: false };
}

function sendPage(res: Response, status: number, model: PageModel): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex, nofollow',
      Vary: 'Accept-Language',
    })
    .send(renderStatusPage(model));
}

export function registerStatusRoutes(ctx: AppContext, router: Router): void {
  registerAccessCodeRoutes(ctx, router);

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/status',
      summary:
        'A victim checks their claims with reference and access code (no account). Unknown reference and wrong code are the same 404; repeated failures 429',
      tags,
      permission: null,
      body: statusBody,
      rawText: ['reference', 'accessCode'],
      responses: { 200: { description: 'Each claim in plain words', schema: statusResponse } },
    },
    async (call, _req, res) => {
      res.set('Cache-Control', 'no-store').json(await checkStatus(ctx, call.body, call.ip));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/status',
      summary: 'The status page (HTML, no JavaScript), in the chosen or browser language',
      tags,
      permission: null,
      query: pageQuery,
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
    },
    async (call, req, res) => {
      sendPage(res, 200, pageLanguage(req, call.query.language));
    },
  );

  // Form posts only here, and small: two short fields and a language.
  router.post('/status', express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }));
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/status',
      summary: 'The status page form post (fields reference, accessCode, language)',
      tags,
      permission: null,
      body: pageBody,
      rawText: ['reference', 'accessCode'],
      responses: { 200: { description: 'HTML page with the claims or a message', contentType: 'text/html' } },
    },
    async (call, req, res) => {
      const { reference = '', accessCode = '', language } = call.body;
      const page = pageLanguage(req, language);
      const model: PageModel = { ...page, reference: reference.trim() };
      if (!reference.trim() || !accessCode.trim())
        return sendPage(res, 400, { ...model, message: { kind: 'missing' } });
      try {
        const result = await checkStatus(
          ctx,
          { reference, accessCode, language: page.chosen ? page.language : undefined },
          call.ip,
        );
        sendPage(res, 200, { ...page, language: result.language, result });
      } catch (err) {
        if (err instanceof StatusNotFoundError)
          return sendPage(res, 404, { ...model, message: { kind: 'notFound' } });
        if (err instanceof StatusLockedError) {
          res.set('Retry-After', String(err.retryAfterSeconds));
          return sendPage(res, 429, {
            ...model,
            message: { kind: 'locked', retryAfter: err.retryAfterSeconds },
          });
        }
        throw err;
      }
    },
  );
}
