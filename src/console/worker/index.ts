import type { Router } from 'express';
import type { AppContext } from '../../context';
import { registerAccessCodePages } from './access-code.pages';
import { registerCaseloadPage } from './caseload.page';
import { registerDocumentPages } from './documents.pages';
import { registerVictimNewPages } from './victim-new.pages';
import { registerVictimPage } from './victim.page';
import { registerVictimSearchPage } from './victim-search.page';

/** The console pages of legal aid workers (mounted under /console, behind a session). */
export function registerWorkerPages(ctx: AppContext, router: Router): void {
  registerCaseloadPage(ctx, router);
  registerVictimSearchPage(ctx, router);
  // before /victims/:id, so "new" is never read as an id
  registerVictimNewPages(ctx, router);
  registerVictimPage(ctx, router);
  registerDocumentPages(ctx, router);
  registerAccessCodePages(ctx, router);
}
