import { Router, type Express } from 'express';
import { registerAuditRoutes } from './audit/audit.http';
import { registerAuthRoutes } from './auth/auth.http';
import { registerVictimRoutes } from './casework/victims.http';
import { registerClaimRoutes } from './claims/claims.http';
import { registerHearingRoutes } from './claims/hearings/hearings.http';
import type { AppContext } from './context';
import { registerDisbursementRoutes } from './disbursements/disbursements.http';
import { registerDocumentRoutes } from './documents/documents.http';
import { registerFundRoutes } from './funds/funds.http';
import { registerHomeRoutes } from './home/home.http';
import { registerLedgerRoutes } from './ledger/ledger.http';
import { registerNotificationRoutes } from './notifications/jobs-admin.http';
import { registerStatusRoutes } from './status/status.http';

/** Every domain's HTTP routes, mounted in one place. */
export function registerDomainRoutes(ctx: AppContext, app: Express): void {
  const router = Router();
  // Each domain adds its `register...Routes(ctx, router)` call here.
  registerAuditRoutes(ctx, router);
  registerAuthRoutes(ctx, router);
  registerFundRoutes(ctx, router);
  registerLedgerRoutes(ctx, router);
  registerVictimRoutes(ctx, router);
  registerClaimRoutes(ctx, router);
  registerHearingRoutes(ctx, router);
  registerDisbursementRoutes(ctx, router);
  registerDocumentRoutes(ctx, router);
  registerStatusRoutes(ctx, router);
  registerHomeRoutes(ctx, router);
  registerNotificationRoutes(ctx, router);
  app.use(router);
}
