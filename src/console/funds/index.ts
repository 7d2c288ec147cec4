import type { Router } from 'express';
import type { AppContext } from '../../context';

/** The console pages of fund administrators (mounted under /console, behind a session). */
export function registerFundPages(ctx: AppContext, router: Router): void {
  void ctx;
  void router;
}
