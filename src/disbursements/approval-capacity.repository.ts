import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

type Q = Db | Trx;

export interface FundCapacityRow {
  id: string;
  name: string;
  /** active fund administrators of the fund's agency: who may request and approve */
  active_admins: number;
  /** whether any currency has a second-approval threshold */
  has_threshold: boolean;
}

/** Every fund of the organization, with its active administrators and whether it sets a threshold. */
export async function fundCapacitiesOf(db: Q, organizationId: string): Promise<FundCapacityRow[]> {
  const rows = await db
    .selectFrom('funds as f')
    .select([
      'f.id',
      'f.name',
      sql<string>`(select count(*) from users u
        where u.organization_id = f.organization_id and u.role = 'fund_admin' and u.active)`.as(
        'active_admins',
      ),
      sql<boolean>`exists (select 1 from disbursement_thresholds t where t.fund_id = f.id)`.as(
        'has_threshold',
      ),
    ])
    .where('f.organization_id', '=', organizationId)
    .orderBy('f.name')
    .orderBy('f.id')
    .execute();
  return rows.map((r) => ({ ...r, active_admins: Number(r.active_admins) }));
}

/** Active fund administrators of an organization, counted under a share lock of their rows. */
export async function activeFundAdminsOf(trx: Trx, organizationId: string): Promise<number> {
  // FOR SHARE: a deactivation running at the same time waits for this policy change (or it for it)
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'fund_admin')
    .where('active', '=', true)
    .forShare()
    .execute();
  return rows.length;
}
