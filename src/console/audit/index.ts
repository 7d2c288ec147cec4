import type { Router } from 'express';
import type { AppContext } from '../../context';

/** The console pages of auditors (mounted under /console, behind a session). */
export function registerAuditPages(ctx: AppContext, router: Router): void {
  void ctx;
  void router;
}
