import { Router, type Express } from 'express';
import { registerAuditRoutes } from './audit/audit.http';
import { registerAuthRoutes } from './auth/auth.http';
import type { AppContext } from './context';

/** Every domain's HTTP routes, mounted in one place. */
export function registerDomainRoutes(ctx: AppContext, app: Express): void {
  const router = Router();
  // Each domain adds its `register...Routes(ctx, router)` call here.
  registerAuditRoutes(ctx, router);
  registerAuthRoutes(ctx, router);
  app.use(router);
}
