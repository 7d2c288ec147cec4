import { withAdminClient } from './pg-admin';

export default async function globalTeardown(): Promise<void> {
  const run = process.env.REDRESS_TEST_RUN;
  if (!run) return;
  await withAdminClient(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`redress_t_${run}_%`, `redress_tpl_${run}`],
    );
    for (const { datname } of rows) {
      await c.query(`drop database if exists ${datname} with (force)`);
    }
  });
}
