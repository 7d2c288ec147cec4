import { auditRouteHooks } from './audit/out-of-reach';
import type { Config } from './config';
import type { AppContext, OutboxNotifier } from './context';
import { bindChainKeys, resolveChainKeys } from './lib/chain-keys';
import { createFieldCipher, resolveKeyMaterial, type KeyMaterial } from './lib/crypto';
import { openDatabase, type DbHandle } from './lib/db';
import { assertSchemaCurrent, migrateAsOwner } from './lib/db-migrate';
import { createLogger, type Logger } from './lib/logger';
import { createMetrics } from './lib/metrics';
import { OpenApiRegistry } from './lib/openapi';
import { sendWithAnswer } from './documents/documents.answers';

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
  try {
    if ((options.migrate ?? true) && config.migrateOnStart) await migrateAsOwner(config, handle, logger);
    else if (options.migrate ?? true) await assertSchemaCurrent(handle);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const keys = options.keys ?? resolveKeyMaterial(config, logger);
  const cipher = createFieldCipher(keys);
  // Checked at start-up, like the PII keys: a bad ring stops the process, not the first seal.
  bindChainKeys(handle.db, resolveChainKeys(config, keys, logger));
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
    routeHooks: auditRouteHooks,
    infoAnswers: { send: sendWithAnswer },
    readinessChecks: {},
  };
  return { ctx, handle };
}
