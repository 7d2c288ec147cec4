import path from 'node:path';
import Joi from 'joi';
import { emailSchema, mailboxSchema } from './lib/email';

/**
 * Every environment variable Redress reads, parsed once. A bad value stops start-up with a
 * message that names the variable, so an operator never discovers a typo in production traffic.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  dbPoolMax: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  piiKeys: string | undefined;
  blindIndexKey: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  tokenTtlMinutes: number;
  /** A console session ends after this long without a request (its token's lifetime still caps it). */
  consoleIdleMinutes: number;
  bodyLimitBytes: number;
  logLevel: string;
  trustProxy: boolean;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMinutes: number;
  demoData: boolean;
  shutdownGraceMs: number;
  queuePrefix: string;
  jobAttempts: number;
  jobBackoffMs: number;
  jobConcurrency: number;
  relayIntervalMs: number;
  relayBatchSize: number;
  /** API processes to run (node:cluster); more than one needs PostgreSQL and Redis. */
  webConcurrency: number;
  /** Days an FX position may stay open before the nightly reconciliation flags it. */
  fxOpenDaysMax: number;
  /** How often undelivered messages whose Bull job is gone (Redis lost it) are queued again. */
  outboxSweepIntervalMs: number;
  /** Admins are alerted about a message still undelivered this many minutes after it was written. */
  undeliveredAlertMinutes: number;
  /**
   * The role that runs migrations and owns the tables; the API and worker then connect with
   * DATABASE_URL as a role that owns nothing. Defaults to DATABASE_URL (one role does both).
   */
  migrationDatabaseUrl: string | undefined;
  /**
   * Off: the API and worker never migrate (nor need the owner's URL); they refuse to start
   * while a migration is pending, which `npm run migrate` applies.
   */
  migrateOnStart: boolean;
  /** Keys that sign the audit and ledger chain links (id:base64key, newest first); see lib/chain-keys.ts. */
  chainKeys: string | undefined;
  /** How long a request waits for a free database connection before a 503 database-busy. */
  dbPoolAcquireTimeoutMs: number;
  /** statement_timeout of every PostgreSQL connection (0: none). */
  dbStatementTimeoutMs: number;
  /** Connections of the pool that writes may never hold, so reads keep flowing while writes queue on locks. */
  dbPoolReadReserve: number;
  /** The largest document (file) an upload may carry; larger ones get 413. */
  documentMaxBytes: number;
  /** Where encrypted document content is kept ('postgres': a table of the same database). */
  documentStore: 'postgres';
}

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  HOST: Joi.string().default('0.0.0.0'),
  DATA_DIR: Joi.string().default('./data'),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .empty(''),
  DB_POOL_MAX: Joi.number().integer().min(1).max(500).default(20),
  DB_LOCK_TIMEOUT_MS: Joi.number().integer().min(100).default(5000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: Joi.number().integer().min(1000).default(30000),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .empty(''),
  SMTP_URL: Joi.string()
    .uri({ scheme: ['smtp', 'smtps'] })
    .empty(''),
  MAIL_FROM: mailboxSchema.default('Redress <no-reply@redress.local>'),
  PUBLIC_URL: Joi.string().uri().default('http://localhost:3000'),
  PII_KEYS: Joi.string()
    .pattern(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+)*$/)
    .empty('')
    .messages({ 'string.pattern.base': 'must be a comma-separated list of id:base64key (32-byte keys)' }),
  BLIND_INDEX_KEY: Joi.string().base64().empty(''),
  REDRESS_ADMIN_EMAIL: emailSchema.empty(''),
  REDRESS_ADMIN_PASSWORD: Joi.string().min(12).empty(''),
  TOKEN_TTL_MINUTES: Joi.number()
    .integer()
    .min(1)
    .max(7 * 24 * 60)
    .default(12 * 60),
  CONSOLE_IDLE_MINUTES: Joi.number()
    .integer()
    .min(1)
    .max(24 * 60)
    .default(30),
  BODY_LIMIT_BYTES: Joi.number().integer().min(1024).max(50_000_000).default(1_000_000),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  TRUST_PROXY: Joi.boolean().default(false),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Joi.number().integer().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: Joi.number().integer().min(1).default(30),
  LOGIN_WINDOW_MINUTES: Joi.number().integer().min(1).default(15),
  DEMO_DATA: Joi.boolean(),
  SHUTDOWN_GRACE_MS: Joi.number().integer().min(0).default(10000),
  QUEUE_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('redress')
    .messages({ 'string.pattern.base': 'must be 1-64 letters, digits, ".", "_" or "-"' }),
  JOB_ATTEMPTS: Joi.number().integer().min(1).max(50).default(10),
  JOB_BACKOFF_MS: Joi.number().integer().min(1).default(10000),
  JOB_CONCURRENCY: Joi.number().integer().min(1).max(100).default(5),
  RELAY_INTERVAL_MS: Joi.number().integer().min(50).default(1000),
  RELAY_BATCH_SIZE: Joi.number().integer().min(1).max(1000).default(100),
  WEB_CONCURRENCY: Joi.number().integer().min(1).max(64).default(1),
  FX_OPEN_DAYS_MAX: Joi.number().integer().min(0).max(3650).default(7),
  OUTBOX_SWEEP_INTERVAL_MS: Joi.number().integer().min(100).default(60_000),
  UNDELIVERED_ALERT_MINUTES: Joi.number()
    .integer()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  MIGRATION_DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .empty(''),
  MIGRATE_ON_START: Joi.boolean().default(true),
  CHAIN_KEYS: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/=]+)*$/)
    .empty('')
    .messages({ 'string.pattern.base': 'must be a comma-separated list of id:base64key (32+ byte keys)' }),
  DB_POOL_ACQUIRE_TIMEOUT_MS: Joi.number().integer().min(100).default(10000),
  DB_STATEMENT_TIMEOUT_MS: Joi.number().integer().min(0).default(30000),
  DB_POOL_READ_RESERVE: Joi.number().integer().min(0).max(499),
  DOCUMENT_MAX_BYTES: Joi.number().integer().min(1024).max(100_000_000).default(10_485_760),
  DOCUMENT_STORE: Joi.string().valid('postgres').default('postgres'),
})
  .and('REDRESS_ADMIN_EMAIL', 'REDRESS_ADMIN_PASSWORD')
  .unknown(true);

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { value, error } = schema.validate(env, { abortEarly: false, convert: true });
  if (error) {
    const lines = error.details.map((d) => `  ${d.path.join('.')}: ${d.message.replace(/^"[^"]+" /, '')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  // joi has just checked and converted every variable against `schema`; each is read once below
  // into a Config field, which states its type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const v = value as Record<string, any>;
  const nodeEnv = v.NODE_ENV as Config['nodeEnv'];
  if (nodeEnv === 'production') {
    const missing = ['DATABASE_URL', 'PII_KEYS', 'BLIND_INDEX_KEY', 'CHAIN_KEYS'].filter((k) => !v[k]);
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((k) => `  ${k}: is required when NODE_ENV=production`).join('\n')}`,
      );
    }
  }
  if (v.WEB_CONCURRENCY > 1 && (!v.DATABASE_URL || !v.REDIS_URL)) {
    // The embedded database lives in one process; in-process jobs would run once per process.
    throw new ConfigError(
      'Invalid configuration:\n  WEB_CONCURRENCY: more than one API process needs DATABASE_URL (PostgreSQL) and REDIS_URL (jobs shared by all processes)',
    );
  }
  if (v.MIGRATION_DATABASE_URL && !v.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  MIGRATION_DATABASE_URL: needs DATABASE_URL too (the embedded database has one role)',
    );
  }
  // A quarter of the pool by default; writes keep at least one connection whatever is set.
  const readReserve = v.DB_POOL_READ_RESERVE ?? Math.floor(v.DB_POOL_MAX / 4);
  if (readReserve >= v.DB_POOL_MAX) {
    throw new ConfigError(
      'Invalid configuration:\n  DB_POOL_READ_RESERVE: must be less than DB_POOL_MAX (writes need at least one connection)',
    );
  }
  return {
    nodeEnv,
    port: v.PORT,
    host: v.HOST,
    dataDir: path.resolve(v.DATA_DIR),
    databaseUrl: v.DATABASE_URL,
    dbPoolMax: v.DB_POOL_MAX,
    lockTimeoutMs: v.DB_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: v.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    redisUrl: v.REDIS_URL,
    smtpUrl: v.SMTP_URL,
    mailFrom: v.MAIL_FROM,
    publicUrl: v.PUBLIC_URL,
    piiKeys: v.PII_KEYS,
    blindIndexKey: v.BLIND_INDEX_KEY,
    adminEmail: v.REDRESS_ADMIN_EMAIL,
    adminPassword: v.REDRESS_ADMIN_PASSWORD,
    tokenTtlMinutes: v.TOKEN_TTL_MINUTES,
    consoleIdleMinutes: v.CONSOLE_IDLE_MINUTES,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    logLevel: v.LOG_LEVEL,
    trustProxy: v.TRUST_PROXY,
    loginMaxFailuresPerAccount: v.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerAddress: v.LOGIN_MAX_FAILURES_PER_ADDRESS,
    loginWindowMinutes: v.LOGIN_WINDOW_MINUTES,
    // Demo data only on the embedded database unless asked for: never surprise a production DB.
    demoData: v.DEMO_DATA ?? !v.DATABASE_URL,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    queuePrefix: v.QUEUE_PREFIX,
    jobAttempts: v.JOB_ATTEMPTS,
    jobBackoffMs: v.JOB_BACKOFF_MS,
    jobConcurrency: v.JOB_CONCURRENCY,
    relayIntervalMs: v.RELAY_INTERVAL_MS,
    relayBatchSize: v.RELAY_BATCH_SIZE,
    webConcurrency: v.WEB_CONCURRENCY,
    fxOpenDaysMax: v.FX_OPEN_DAYS_MAX,
    outboxSweepIntervalMs: v.OUTBOX_SWEEP_INTERVAL_MS,
    undeliveredAlertMinutes: v.UNDELIVERED_ALERT_MINUTES,
    migrationDatabaseUrl: v.MIGRATION_DATABASE_URL ?? v.DATABASE_URL,
    migrateOnStart: v.MIGRATE_ON_START,
    chainKeys: v.CHAIN_KEYS,
    dbPoolAcquireTimeoutMs: v.DB_POOL_ACQUIRE_TIMEOUT_MS,
    dbStatementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    dbPoolReadReserve: readReserve,
    documentMaxBytes: v.DOCUMENT_MAX_BYTES,
    documentStore: v.DOCUMENT_STORE,
  };
}
