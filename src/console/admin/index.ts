import type { Router } from 'express';
import type { AppContext } from '../../context';

/** The console pages of administrators (mounted under /console, behind a session). */
export function registerAdminPages(ctx: AppContext, router: Router): void {
  void ctx;
  void router;
}
