import type { Router } from 'express';
import type { AppContext } from '../../context';

/** The console pages of legal aid workers (mounted under /console, behind a session). */
export function registerWorkerPages(ctx: AppContext, router: Router): void {
  void ctx;
  void router;
}
