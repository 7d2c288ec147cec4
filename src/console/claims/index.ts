import type { Router } from 'express';
import type { AppContext } from '../../context';

/** The console's claim pages: filing on every route, the claim page, hearings, payments, wages. */
export function registerClaimPages(ctx: AppContext, router: Router): void {
  void ctx;
  void router;
}
