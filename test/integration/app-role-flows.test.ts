import { sql } from 'kysely';
import { connectTestAppsAsAppRole, createTestApp, TEST_APP_ROLE } from '../helpers/test-app';
// Claims, funds and disbursements end to end over HTTP, run again here with every test app of
// this file connected as the app role (a role that owns nothing) on a database the app
// migrated as the owner role: what a production deployment with two roles does.
import './claims-funds-money.test';

// Module code runs before any beforeAll, so the imported file's app is created as the app role.
connectTestAppsAsAppRole();

describe('the test apps of this file', () => {
  it('connect as the app role, which owns nothing and is no superuser', async () => {
    const t = await createTestApp();
    try {
      const { rows } = await sql<{ user: string; superuser: boolean; owned: number }>`
        select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as superuser,
               (select count(*)::int from pg_class where relowner = current_user::regrole) as owned`.execute(
        t.ctx.db,
      );
      expect(rows[0]).toEqual({ user: TEST_APP_ROLE, superuser: false, owned: 0 });
    } finally {
      await t.close();
    }
  });
});
