import type { AppContext } from '../context';
import { transact } from '../lib/db';
import { anyUserWithRole, lockBootstrapAdmin, userExistsWithEmail } from './auth.repository';
import { normalizeEmail } from './auth';
import { ConfigError } from '../config';
import { passwordProblem } from './password-policy';
import { hashPassword } from './passwords';
import { createUserIn } from './users.service';

/** Creates the bootstrap admin from REDRESS_ADMIN_EMAIL/PASSWORD when no admin exists yet. */
export async function ensureBootstrapAdmin(ctx: AppContext): Promise<void> {
  const { adminEmail, adminPassword } = ctx.config;
  if (!adminEmail || !adminPassword) return;
  const email = normalizeEmail(adminEmail);
  // the first admin holds every key: its password is held to the same rule as anyone's
  const weak = passwordProblem(adminPassword, [email]);
  if (weak) throw new ConfigError(`REDRESS_ADMIN_PASSWORD ${weak}.`);
  const passwordHash = await hashPassword(adminPassword);
  await transact(ctx.db, async (trx) => {
    // several API processes may start at once: one creates the admin, the others then see it
    await lockBootstrapAdmin(trx);
    if (await anyUserWithRole(trx, 'admin')) return;
    if (await userExistsWithEmail(trx, email)) {
      ctx.logger.warn('REDRESS_ADMIN_EMAIL belongs to an existing non-admin user; no admin created');
      return;
    }
    const user = await createUserIn(
      trx,
      { email, name: 'Administrator', passwordHash, role: 'admin', organizationId: null },
      { actor: null, via: 'bootstrap' },
      { welcome: false },
    );
    ctx.logger.info({ userId: user.id }, 'bootstrap admin created');
  });
}
