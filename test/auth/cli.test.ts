import { execFile } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { runCli } from '../../scripts/cli';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await createTestApp();
  // the CLI reads its configuration from the environment, like npm run cli would
  env = {
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    DATA_DIR: t.config.dataDir,
    PII_KEYS: t.config.piiKeys,
    BLIND_INDEX_KEY: t.config.blindIndexKey,
    LOG_LEVEL: 'silent',
  };
});
afterAll(async () => {
  await t.close();
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWithStdin(undefined, ...argv);
}

async function cliWithStdin(
  input: string | undefined,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    ...(input === undefined ? {} : { stdin: Readable.from([input]) }),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/;

describe('npm run cli', () => {
  it('creates an organization and a user in it, printing only their ids; the user can sign in', async () => {
    const org = await cli('create-organization', '--name', 'Harbour Legal Aid', '--kind', 'legal_aid');
    expect(org).toMatchObject({ code: 0, stderr: '' });
    expect(org.stdout).toMatch(UUID_LINE);
    const orgId = org.stdout.trim();

    const user = await cli(
      'create-user',
      '--email',
      'Clerk@Harbour.example.org',
      '--name',
      'Harbour Clerk',
      '--role',
      'legal_aid',
      '--organization',
      orgId,
      '--password',
      'a sturdy passphrase',
    );
    expect(user).toMatchObject({ code: 0, stderr: '' });
    expect(user.stdout).toMatch(UUID_LINE);

    const row = await t.ctx.db
      .selectFrom('users')
      .select(['email', 'role', 'organization_id'])
      .where('id', '=', user.stdout.trim())
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'clerk@harbour.example.org', role: 'legal_aid', organization_id: orgId });
    const welcome = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'user.welcome')
      .execute();
    expect(welcome).toEqual([{ payload: { userId: user.stdout.trim() } }]);
    await request(t.app)
      .post('/v1/auth/login')
      .send({ email: 'clerk@harbour.example.org', password: 'a sturdy passphrase' })
      .expect(200);
  });

  it.each([
    ['no command', [], /Usage: npm run cli/],
    ['an unknown command', ['drop-everything'], /Unknown command "drop-everything"/],
    [
      'an unknown option',
      ['create-organization', '--name', 'X', '--kind', 'other', '--colour', 'red'],
      /--colour/,
    ],
    ['a missing required option', ['create-organization', '--name', 'X'], /--kind: kind is required/],
    [
      'a bad role',
      ['create-user', '--email', 'a@b.org', '--name', 'A', '--role', 'root', '--password', 'twelve chars!'],
      /--role:/,
    ],
    [
      'a short password',
      ['create-user', '--email', 'a@b.org', '--name', 'A', '--role', 'admin', '--password', 'short'],
      /--password:/,
    ],
    ['an option without its value', ['create-organization', '--name'], /--name/],
  ])('exits 2 with usage on %s, creating nothing', async (_label, argv, message) => {
    const before = (await t.ctx.db.selectFrom('organizations').select('id').execute()).length;
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: npm run cli -- <command> [options]');
    expect((await t.ctx.db.selectFrom('organizations').select('id').execute()).length).toBe(before);
  });

  it('exits 1 with the reason when the service refuses (duplicate e-mail, organization rule)', async () => {
    const args = ['--name', 'Dup', '--role', 'auditor', '--password', 'twelve chars!'];
    expect((await cli('create-user', '--email', 'dup@cli.example.org', ...args)).code).toBe(0);
    const dup = await cli('create-user', '--email', 'DUP@cli.example.org', ...args);
    expect(dup).toMatchObject({ code: 1, stdout: '' });
    expect(dup.stderr).toMatch(/already exists/);

    const orphan = await cli(
      'create-user',
      '--email',
      'f@cli.example.org',
      '--name',
      'F',
      '--role',
      'fund_admin',
      '--password',
      'twelve chars!',
    );
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toMatch(/--organization: is required for a fund_admin user/);
  });

  it('reads the password from the first line of standard input with --password-stdin', async () => {
    const user = await cliWithStdin(
      'a passphrase from a pipe\r\nsecond line is ignored\n',
      'create-user',
      '--email',
      'piped@cli.example.org',
      '--name',
      'Piped',
      '--role',
      'auditor',
      '--password-stdin',
    );
    expect(user).toMatchObject({ code: 0, stderr: '' });
    expect(user.stdout).toMatch(UUID_LINE);
    await request(t.app)
      .post('/v1/auth/login')
      .send({ email: 'piped@cli.example.org', password: 'a passphrase from a pipe' })
      .expect(200);
    await request(t.app)
      .post('/v1/auth/login')
      .send({ email: 'piped@cli.example.org', password: 'a passphrase from a pipe\r' })
      .expect(401);
  });

  it.each([
    ['an empty standard input', '', ['--password-stdin'], /--password:/],
    ['a short first line', 'short\nmuch longer second line\n', ['--password-stdin'], /--password:/],
    [
      'both password options',
      'twelve chars!\n',
      ['--password-stdin', '--password', 'twelve chars!'],
      /not both/,
    ],
  ])(
    'exits 2 with usage on %s with --password-stdin, creating nothing',
    async (_label, input, flags, message) => {
      const email = `stdin-refused-${flags.length}-${input.length}@cli.example.org`;
      const result = await cliWithStdin(
        input,
        'create-user',
        '--email',
        email,
        '--name',
        'R',
        '--role',
        'admin',
        ...flags,
      );
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('--password-stdin');
      expect(await t.ctx.db.selectFrom('users').select('id').where('email', '=', email).execute()).toEqual(
        [],
      );
    },
  );

  it('runs as a script: prints the id and exits 0, or exits 2 on bad arguments', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/cli.ts', ...args],
          { env: { ...process.env, ...env }, timeout: 60_000 },
          (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const bad = await run(['create-organization', '--kind', 'other']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--name: name is required/);
    const ok = await run(['create-organization', '--name', 'Script Office', '--kind', 'other']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(UUID_LINE);
  }, 120_000);

  it('takes --password-stdin from the piped standard input of the script', async () => {
    const piped = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [
          path.resolve('node_modules/tsx/dist/cli.mjs'),
          'scripts/cli.ts',
          'create-user',
          '--email',
          'script-piped@cli.example.org',
          '--name',
          'Script Piped',
          '--role',
          'auditor',
          '--password-stdin',
        ],
        { env: { ...process.env, ...env }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin!.end('piped through a shell\n');
    });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(UUID_LINE);
    await request(t.app)
      .post('/v1/auth/login')
      .send({ email: 'script-piped@cli.example.org', password: 'piped through a shell' })
      .expect(200);
  }, 120_000);
});
