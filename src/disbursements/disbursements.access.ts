import type { AppContext } from '../context';
import { fundInReach } from '../funds/funds.service';
import type { Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { findDisbursement } from './disbursements.repository';

/**
 * Need-to-know for a disbursement, for other domains (its documents): the paying fund's
 * administrators (auditors, to read); anyone else gets the 404 of a disbursement that does not exist.
 */
export async function disbursementInReach(
  ctx: Pick<AppContext, 'db'>,
  q: Db | Trx,
  actor: Actor,
  id: string,
  write: boolean,
): Promise<{ id: string; fundId: string; victimId: string }> {
  const row = await findDisbursement(q, id);
  if (!row) throw new NotFoundError('disbursement');
  await fundInReach(ctx.db, q, actor, row.fund_id, write).catch(() => {
    throw new NotFoundError('disbursement');
  });
  return { id: row.id, fundId: row.fund_id, victimId: row.victim_id };
}
