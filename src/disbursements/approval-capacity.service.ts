import type { Db, Trx } from '../lib/db';
import { administratorsNeeded } from './disbursements';
import { fundCapacitiesOf } from './approval-capacity.repository';

export interface FundUnableToApprove {
  fundId: string;
  fundName: string;
  activeAdministrators: number;
  administratorsNeeded: number;
}

/**
 * The funds of an agency whose disbursements can no longer all be approved: fewer active
 * administrators than a requester plus the approvers the fund's policy asks for. Read after a
 * deactivation, to warn the administrator who made it.
 */
export async function fundsUnableToApprove(
  db: Db | Trx,
  organizationId: string,
): Promise<FundUnableToApprove[]> {
  const funds = await fundCapacitiesOf(db, organizationId);
  return funds
    .map((f) => ({
      fundId: f.id,
      fundName: f.name,
      activeAdministrators: f.active_admins,
      administratorsNeeded: administratorsNeeded(f.has_threshold),
    }))
    .filter((f) => f.activeAdministrators < f.administratorsNeeded);
}
