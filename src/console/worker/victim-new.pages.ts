import type { NextFunction, Request, Response, Router } from 'express';
import { createVictim } from '../../casework/victim-records.service';
import type { AppContext } from '../../context';
import { LANGUAGE_NAMES, LANGUAGES } from '../../lib/i18n';
import { DOCUMENT_TYPES } from '../../victims/victims';
import { createVictimBody } from '../../victims/victims.schemas';
import { consoleAction, consolePage, type ConsoleCall } from '../console-route';
import type { Flash } from '../flash';
import type { FormProblem } from '../form-problems';

/** The form's choices, labelled in the worker's language. */
function choices(call: ConsoleCall) {
  return {
    languages: LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_NAMES[code] })),
    documentTypes: DOCUMENT_TYPES.map((type) => ({
      value: type,
      label: call.t(`victim.documentType.${type}`),
    })),
    yesNo: [
      { value: 'true', label: call.t('victim.yes') },
      { value: 'false', label: call.t('victim.no') },
    ],
  };
}

function showForm(call: ConsoleCall, problem?: FormProblem): void {
  call.render(
    'worker/victim-new.njk',
    { title: call.t('victim.new.title'), problem, ...choices(call) },
    problem?.status ?? 200,
  );
}

/**
 * The form has room for one identity document; left empty, that row means "no document" (as a
 * missing array does in the API), not a document without type or number.
 */
function dropEmptyDocumentRows(req: Request, _res: Response, next: NextFunction): void {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const rows = body.identityDocuments;
  if (Array.isArray(rows)) {
    const kept = rows.filter(
      (r: unknown) =>
        r && typeof r === 'object' && Object.values(r).some((v) => typeof v === 'string' && v.trim() !== ''),
    );
    if (kept.length) body.identityDocuments = kept;
    else delete body.identityDocuments;
  }
  next();
}

/** Registering a victim, with the API's own rules (consent, safe contact, a child's guardian). */
export function registerVictimNewPages(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/victims/new', permission: 'victims:write' }, async (call) => {
    showForm(call);
  });

  consoleAction(ctx, router, {
    path: '/victims/new',
    permission: 'victims:write',
    schema: createVictimBody,
    before: [dropEmptyDocumentRows],
    run: async (call, input) => {
      const { victim, warnings } = await createVictim(call.ctx, call.actor, input, call.requestId);
      const duplicates = warnings.flatMap((w) => w.references);
      // a possible duplicate is a warning, not a refusal: the worker reads it on the victim page
      const flash: Flash = duplicates.length
        ? {
            key: 'victim.new.doneWithDuplicates',
            vars: { reference: victim.reference, references: duplicates.join(', ') },
          }
        : { key: 'victim.new.done', vars: { reference: victim.reference } };
      return { redirect: `/console/victims/${victim.id}`, flash };
    },
    reshow: async (call, problem) => showForm(call, problem),
  });
}
