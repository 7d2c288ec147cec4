import type { Config } from './config';
import type { AppContext, OutboxNotifier } from './context';
import { createFieldCipher, resolveKeyMaterial, type KeyMaterial } from './lib/crypto';
import { openDatabase, type DbHandle } from './lib/db';
import { migrateAsOwner } from './lib/db-migrate';
import { createLogger, type Logger } from './lib/logger';
import { createMetrics } from './lib/metrics';
import { OpenApiRegistry } from './lib/openapi';

export interface Runtime {
  ctx: AppContext;
  handle: DbHandle;
}

/** config → logger → database (migrated) → keys: the parts every process type shares. */
export async function buildRuntime(
  config: Config,
  options: { logger?: Logger; keys?: KeyMaterial; migrate?: boolean } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const handle = await openDatabase(config);
  if (options.migrate ?? true) await migrateAsOwner(config, handle, logger);
  const cipher = createFieldCipher(options.keys ?? resolveKeyMaterial(config, logger));
  const noop: OutboxNotifier = { kick: () => undefined };
  const ctx: AppContext = {
    config,
    db: handle.db,
    dbKind: handle.kind,
    logger,
    cipher,
    metrics: createMetrics(),
    openapi: new OpenApiRegistry(),
    outbox: noop,
    readinessChecks: {},
  };
  return { ctx, handle };
}
