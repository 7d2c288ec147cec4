import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type Joi from 'joi';
import pino from 'pino';
import { organizationBody, userBody } from '../src/auth/users.http';
import { createOrganization, createUser } from '../src/auth/users.service';
import { buildRuntime } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config';
import type { AppContext } from '../src/context';
import { rewrapDocumentKeys } from '../src/documents/documents.download';
import { AppError, ConflictError, ValidationError } from '../src/lib/errors';
import { toFieldErrors } from '../src/lib/validate';
import { i18nReport } from '../src/notifications/i18n-report';
import { scanDeadlinesNow } from '../src/notifications/deadline-scan';
import { reindexVictimNames } from '../src/victims/reindex';
import { createRoles } from './create-roles';

/**
 * `npm run cli -- <command> [options]`: administrative commands against the configured database
 * (PostgreSQL with DATABASE_URL, else the embedded PGlite in DATA_DIR; stop `npm start` first
 * there, PGlite serves one process at a time). Each command prints what it created on stdout,
 * so scripts can capture it; messages go to stderr. Exit codes: 0 done, 1 refused, 2 bad usage.
 */

interface Io {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Read only by options that take a secret from standard input. */
  stdin?: NodeJS.ReadableStream;
}

type Values = Record<string, string | boolean | undefined>;

type Command = CommandBase &
  (
    | { run(ctx: AppContext, input: any): Promise<string> }
    /** Works on no configured database (and opens none), e.g. with a superuser's URL. */
    | { standalone(input: any): Promise<string> }
  );

interface CommandBase {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Turns parsed options into the validated input (throws ValidationError or UsageError) before
   * the database is opened; it may read standard input.
   */
  input(values: Values, io: Io): unknown;
}

const caller = { actor: null, via: 'cli' } as const;

const COMMANDS: Record<string, Command> = {
  'create-organization': {
    summary: 'Create an organization; prints its id',
    usage: '--name <name> --kind legal_aid|fund_agency|other',
    options: { name: { type: 'string' }, kind: { type: 'string' } },
    input: (v) => validate(organizationBody, { name: v.name, kind: v.kind }),
    run: async (ctx, input) => (await createOrganization(ctx, input, caller)).id,
  },
  'create-user': {
    summary: 'Create a staff account; prints its id (the welcome e-mail goes out via the worker)',
    usage:
      '--email <email> --name <name> --role admin|legal_aid|fund_admin|auditor [--organization <id>]\n' +
      '      (--password <12+ characters> | --password-stdin)',
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      organization: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    input: async (v, io) =>
      validate(userBody, {
        email: v.email,
        name: v.name,
        role: v.role,
        password: await passwordOf(v, io),
        organizationId: v.organization,
      }),
    run: async (ctx, input) => (await createUser(ctx, input, caller)).id,
  },
  'reindex-victims': {
    summary:
      'Build the name search index of victims that have none; with --all rebuild every one\n' +
      '      (after BLIND_INDEX_KEY changed); prints how many victims were indexed',
    usage: '[--all]',
    options: { all: { type: 'boolean' } },
    input: (v) => ({ all: v.all === true }),
    run: async (ctx, input: { all: boolean }) => String(await reindexVictimNames(ctx, input)),
  },
  'i18n-check': {
    summary: 'List texts missing from the translation catalogs (exit 1 when any is missing)',
    usage: '',
    options: {},
    input: () => ({}),
    run: async () => {
      const report = i18nReport();
      if (!report.ok) throw new ConflictError(report.text);
      return report.text;
    },
  },
  'scan-deadlines': {
    summary:
      'Run the daily deadline scan now (reminders already queued are not queued again); prints what it queued',
    usage: '',
    options: {},
    input: () => ({}),
    run: async (ctx) => (await scanDeadlinesNow(ctx, { actor: null, requestId: null, via: 'cli' })).detail,
  },
  'rewrap-document-keys': {
    summary:
      'After prepending a new key to PII_KEYS: re-wrap every document key still under an older key\n' +
      '      (content is not re-encrypted); prints how many (exit 1 when a key would not unwrap)',
    usage: '',
    options: {},
    input: () => ({}),
    run: async (ctx) => {
      const { rewrapped, failed } = await rewrapDocumentKeys(ctx);
      if (failed.length > 0)
        throw new ConflictError(
          `Re-wrapped ${rewrapped}; ${failed.length} did not unwrap (their key is not in PII_KEYS): ${failed.join(', ')}`,
        );
      return `re-wrapped ${rewrapped} document keys under ${ctx.cipher.activeKeyId}`;
    },
  },
  'db:create-roles': {
    summary:
      'As a superuser (SUPERUSER_DATABASE_URL), create the owner and app roles, give the database to the\n' +
      '      owner, migrate, grant the app role; prints MIGRATION_DATABASE_URL and DATABASE_URL',
    usage: '--database <name> [--owner redress_owner] [--app redress_app]',
    options: { database: { type: 'string' }, owner: { type: 'string' }, app: { type: 'string' } },
    input: (v, io) => {
      const superuserUrl = io.env.SUPERUSER_DATABASE_URL;
      if (!superuserUrl) throw new UsageError('SUPERUSER_DATABASE_URL must name a superuser connection.');
      const name = /^[a-z_][a-z0-9_]{0,62}$/;
      const input = {
        superuserUrl,
        database: v.database,
        owner: v.owner ?? 'redress_owner',
        app: v.app ?? 'redress_app',
      };
      for (const key of ['database', 'owner', 'app'] as const) {
        if (typeof input[key] !== 'string' || !name.test(input[key])) {
          throw new UsageError(
            `--${key}: lower-case letters, digits and "_" (at most 63), not starting with a digit.`,
          );
        }
      }
      if (input.owner === input.app) throw new UsageError('--owner and --app must differ.');
      return input;
    },
    standalone: (input) => createRoles(input),
  },
};

class UsageError extends Error {}

/**
 * `--password-stdin` takes the first line of standard input (without its line ending), so the
 * password shows up neither in `ps` nor in the shell history: `printf '%s\n' "$PW" | npm run cli ...`.
 */
async function passwordOf(v: Values, io: Io): Promise<Values[string]> {
  if (v['password-stdin'] !== true) return v.password;
  if (v.password !== undefined) throw new UsageError('Give either --password or --password-stdin, not both.');
  if (!io.stdin) throw new UsageError('--password-stdin: standard input is not available.');
  return firstLine(io.stdin);
}

async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

function validate(schema: Joi.Schema, raw: Values): unknown {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const { value, error } = schema.validate(present, {
    abortEarly: false,
    errors: { wrap: { label: false } },
  });
  if (error) throw new ValidationError(toFieldErrors(error));
  return value;
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name} ${c.usage}\n      ${c.summary}`);
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

function describe(err: AppError): string {
  const fields = err instanceof ValidationError ? err.errors : [];
  // option names on the command line, not API field names
  const name = (path: string) => (path === 'organizationId' ? 'organization' : path);
  const title = err instanceof ValidationError ? 'Invalid arguments:' : err.message;
  return [title, ...fields.map((f) => `  --${name(f.path)}: ${f.message}`)].join('\n');
}

/** Runs one command; returns the process exit code. Exported for tests. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  let input: unknown;
  try {
    if (!command) throw new UsageError(`Unknown command "${name}".`);
    let values: Values;
    try {
      values = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false })
        .values as Values;
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    input = await command.input(values, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ValidationError) {
      const detail = err instanceof ValidationError ? describe(err) : err.message;
      io.stderr(`${detail}\n\n${usage()}`);
      return 2;
    }
    throw err;
  }

  if ('standalone' in command) {
    try {
      io.stdout(`${await command.standalone(input)}\n`);
      return 0;
    } catch (err) {
      io.stderr(`${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }

  let config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // logs to stderr, so stdout carries only the result
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const { ctx, handle } = await buildRuntime(config, { logger });
  try {
    io.stdout(`${await command.run(ctx, input)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      io.stderr(`${describe(err)}\n`);
      return 1;
    }
    throw err;
  } finally {
    await handle.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: process.stdin,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
