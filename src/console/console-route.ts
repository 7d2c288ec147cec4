import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type Joi from 'joi';
import type { AppContext } from '../context';
import { roleMay, type Actor, type Permission } from '../lib/auth';
import { AppError, ForbiddenError, NotFoundError } from '../lib/errors';
import type { Language } from '../lib/i18n';
import { sameToken } from './csrf';
import { setFlash, takeFlash, type Flash } from './flash';
import { claimFormKey, recordFormOutcome, releaseFormKey } from './form-keys.repository';
import { render, type PageFrame, type Viewer } from './render';
import { formProblem, stripFormFields, type FormProblem } from './form-problems';
import type { ConsoleText } from './text';
import { consoleText } from './text';
import { viewerOf } from './viewer';

/** What a console page or action handler gets: the caller, their texts and a way to answer. */
export interface ConsoleCall {
  ctx: AppContext;
  req: Request;
  res: Response;
  actor: Actor;
  viewer: Viewer;
  language: Language;
  t: ConsoleText;
  requestId: string;
  params: Record<string, string>;
  query: Request['query'];
  /** Renders a page inside the layout (title, menu, language switch, flash). */
  render(view: string, model: Record<string, unknown>, status?: number): void;
}

export interface PageSpec {
  path: string;
  /** The same permission-table entry as the API route that shows the same records. */
  permission: Permission;
}

export interface ActionSpec<T> extends PageSpec {
  /** The API's own joi schema for this operation (the console adds nothing of its own). */
  schema: Joi.ObjectSchema<T>;
  /**
   * Does the work; answers where to go next and what to tell the person there. With `page`, that
   * page is drawn at once instead (for what may be shown only once, such as a new access code);
   * the same form sent again then goes to `redirect`.
   */
  run(call: ConsoleCall, input: T, formKey: string): Promise<ActionOutcome>;
  /** Draws the form again with the problem next to its fields (status 422, or the problem's). */
  reshow(call: ConsoleCall, problem: FormProblem): Promise<void>;
  /** Runs before the CSRF check, e.g. a multipart parser that fills req.body (optional). */
  before?: RequestHandler[];
}

export interface ActionOutcome {
  redirect: string;
  flash?: Flash;
  page?: { view: string; model: Record<string, unknown> };
}

function secureCookies(ctx: AppContext): boolean {
  return ctx.config.nodeEnv === 'production';
}

function callOf(ctx: AppContext, req: Request, res: Response): ConsoleCall {
  const viewer = viewerOf(req);
  if (!viewer) throw new Error('console route without a session');
  const t = consoleText(viewer.language);
  const frame: PageFrame = {
    viewer,
    language: viewer.language,
    t,
    path: req.originalUrl,
    csrf: viewer.csrf,
    flash: takeFlash(req, res, t, secureCookies(ctx)),
  };
  return {
    ctx,
    req,
    res,
    actor: viewer.actor,
    viewer,
    language: viewer.language,
    t,
    requestId: String(res.getHeader('x-request-id') ?? ''),
    params: req.params as Record<string, string>,
    query: req.query,
    render: (view, model, status) => render(res, frame, view, model, status),
  };
}

/** A refused permission or a record out of reach answers as the API does, and is audited alike. */
async function refuseOrThrow(
  ctx: AppContext,
  call: ConsoleCall,
  spec: PageSpec,
  err: unknown,
): Promise<void> {
  if (err instanceof NotFoundError) {
    await ctx.routeHooks.onOutOfReach(ctx, spec, call.actor, { id: call.params.id }, call.requestId);
    call.render(
      'error.njk',
      { title: call.t('error.notFound.title'), message: call.t('error.notFound.text') },
      404,
    );
    return;
  }
  throw err;
}

async function permitted(ctx: AppContext, call: ConsoleCall, spec: PageSpec): Promise<boolean> {
  if (roleMay(call.actor.role, spec.permission)) return true;
  await ctx.routeHooks.onDenied(ctx, call.actor, spec.permission, call.requestId);
  call.render(
    'error.njk',
    { title: call.t('error.forbidden.title'), message: call.t('error.forbidden.text') },
    403,
  );
  return false;
}

/** A GET page. Any thrown error other than not-found reaches the console's error page. */
export function consolePage(
  ctx: AppContext,
  router: Router,
  spec: PageSpec,
  handler: (call: ConsoleCall) => Promise<void>,
): void {
  router.get(spec.path, async (req, res, next) => {
    try {
      const call = callOf(ctx, req, res);
      if (!(await permitted(ctx, call, spec))) return;
      try {
        await handler(call);
      } catch (err) {
        await refuseOrThrow(ctx, call, spec, err);
      }
    } catch (err) {
      next(err);
    }
  });
}

/**
 * A form post: CSRF token checked, body validated by the API's schema, run once per form key
 * (a double click or a resent form finds the first run's outcome), then a redirect (303) with a
 * flash message. A refused submission is shown again with each problem next to its field.
 */
export function consoleAction<T>(ctx: AppContext, router: Router, spec: ActionSpec<T>): void {
  router.post(spec.path, ...(spec.before ?? []), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const call = callOf(ctx, req, res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!sameToken(call.viewer.csrf, body._csrf)) {
        call.render(
          'error.njk',
          { title: call.t('error.csrf.title'), message: call.t('error.csrf.text') },
          403,
        );
        return;
      }
      if (!(await permitted(ctx, call, spec))) return;
      const formKey = typeof body._formKey === 'string' ? body._formKey : '';
      const values = stripFormFields(body);
      const checked = spec.schema.validate(values, { abortEarly: false, convert: true, stripUnknown: false });
      if (checked.error) {
        await spec.reshow(call, formProblem(call.t, checked.error, values));
        return;
      }
      if (!/^[A-Za-z0-9_-]{16,100}$/.test(formKey)) throw new ForbiddenError('The form has no key.');
      const userId = call.actor.userId;
      const prior = await claimFormKey(ctx.db, { userId, formKey, action: spec.path });
      if (prior) {
        setFlash(res, { key: prior.outcome ? 'form.alreadyDone' : 'form.inProgress' }, secureCookies(ctx));
        res.redirect(303, prior.outcome ?? req.originalUrl);
        return;
      }
      try {
        const outcome = await spec.run(call, checked.value, formKey);
        await recordFormOutcome(ctx.db, userId, formKey, outcome.redirect);
        if (outcome.page) {
          call.render(outcome.page.view, outcome.page.model);
          return;
        }
        if (outcome.flash) setFlash(res, outcome.flash, secureCookies(ctx));
        res.redirect(303, outcome.redirect);
      } catch (err) {
        await releaseFormKey(ctx.db, userId, formKey);
        if (err instanceof NotFoundError) return await refuseOrThrow(ctx, call, spec, err);
        if (err instanceof AppError && err.status < 500) {
          await spec.reshow(call, formProblem(call.t, err, values));
          return;
        }
        throw err;
      }
    } catch (err) {
      next(err);
    }
  });
}
