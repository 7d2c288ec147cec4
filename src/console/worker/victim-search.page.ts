import type { Router } from 'express';
import { searchVictims } from '../../casework/victims.search';
import type { AppContext } from '../../context';
import { ValidationError } from '../../lib/errors';
import { victimSearchQuery, type VictimSearchQuery } from '../../victims/victims.schemas';
import { consoleAction, consolePage, type ConsoleCall } from '../console-route';
import type { FormProblem } from '../form-problems';

const VIEW = 'worker/victim-search.njk';

async function results(call: ConsoleCall, query: VictimSearchQuery) {
  return searchVictims(call.ctx, call.actor, { ...query, format: undefined }, call.requestId);
}

/**
 * Victims of the worker's office. The list opens unfiltered (GET); a search by name or document
 * number is posted, so nothing identifying ever stands in a URL, a log line or the history.
 */
export function registerVictimSearchPage(ctx: AppContext, router: Router): void {
  consolePage(ctx, router, { path: '/victims', permission: 'victims:read' }, async (call) => {
    const cursor = typeof call.query.cursor === 'string' ? call.query.cursor : undefined;
    // a cursor that is not one of ours (edited by hand) starts the list again from the top
    const page = await results(call, { limit: 50, cursor }).catch((err: unknown) => {
      if (err instanceof ValidationError) return results(call, { limit: 50 });
      throw err;
    });
    call.render(VIEW, { title: call.t('victim.search.title'), page, values: {}, browsing: true });
  });

  consoleAction(ctx, router, {
    path: '/victims',
    permission: 'victims:read',
    schema: victimSearchQuery,
    run: async (call, input) => {
      const page = await results(call, input);
      return {
        redirect: '/console/victims',
        page: {
          view: VIEW,
          model: { title: call.t('victim.search.title'), page, values: input },
        },
      };
    },
    reshow: async (call, problem: FormProblem) => {
      call.render(
        VIEW,
        { title: call.t('victim.search.title'), problem, values: problem.values },
        problem.status,
      );
    },
  });
}
