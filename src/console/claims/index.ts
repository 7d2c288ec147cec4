import type { Router } from 'express';
import type { AppContext } from '../../context';
import { registerClaimActions } from './claim-actions';
import { registerClaimPage } from './claim-page';
import { registerHearingActions } from './hearing-actions';
import { registerHearingsPage } from './hearings-page';
import { registerNewClaim } from './new-claim';
import { registerWagesPage } from './wages-page';

/** The console's claim pages: filing on every route, the claim page, hearings, payments, wages. */
export function registerClaimPages(ctx: AppContext, router: Router): void {
  registerNewClaim(ctx, router);
  registerClaimPage(ctx, router);
  registerClaimActions(ctx, router);
  registerHearingActions(ctx, router);
  registerHearingsPage(ctx, router);
  registerWagesPage(ctx, router);
}
