import type { InfoAnswerDocuments } from './claims/info-answers';
import type { Config } from './config';
import type { FieldCipher } from './lib/crypto';
import type { Db } from './lib/db';
import type { Logger } from './lib/logger';
import type { Metrics } from './lib/metrics';
import type { OpenApiRegistry } from './lib/openapi';
import type { RouteHooks } from './lib/route';

/** What the outbox side offers the HTTP side: a nudge to relay soon after a commit. */
export interface OutboxNotifier {
  kick(): void;
}

/** Everything a request handler may need, built once at start-up (or per test). */
export interface AppContext {
  config: Config;
  db: Db;
  dbKind: 'postgres' | 'pglite';
  logger: Logger;
  cipher: FieldCipher;
  metrics: Metrics;
  openapi: OpenApiRegistry;
  outbox: OutboxNotifier;
  /** How defineRoute (lib/) reaches the audit trail without importing it. */
  routeHooks: RouteHooks;
  /** How a claim's answer to the fund sends documents, without claims importing documents. */
  infoAnswers: InfoAnswerDocuments;
  /** Extra readiness checks (e.g. Redis) registered by the jobs layer. */
  readinessChecks: Record<string, () => Promise<void>>;
}
