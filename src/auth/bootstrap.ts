import type { AppContext } from '../context';
import { transact } from '../lib/db';
import { recordAudit } from '../audit/audit.service';
import { hashPassword } from './passwords';

/** Creates the bootstrap admin from REDRESS_ADMIN_EMAIL/PASSWORD when no admin exists yet. */
export async function ensureBootstrapAdmin(ctx: AppContext): Promise<void> {
  const { adminEmail, adminPassword } = ctx.config;
  if (!adminEmail || !adminPassword) return;
  const passwordHash = await hashPassword(adminPassword);
  await transact(ctx.db, async (trx) => {
    const existing = await trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .executeTakeFirst();
    if (existing) return;
    const user = await trx
      .insertInto('users')
      .values({
        email: adminEmail.toLowerCase(),
        name: 'Administrator',
        password_hash: passwordHash,
        role: 'admin',
        organization_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: null,
      action: 'user.bootstrap',
      resourceType: 'user',
      resourceId: user.id,
    });
    ctx.logger.info({ userId: user.id }, 'bootstrap admin created');
  });
}
