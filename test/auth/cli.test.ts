import { execFile } from 'node:child_process';
import path from 'node:path';
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
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
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
});
