import type { Fund } from '../funds/funds';
import type { Db, Trx } from '../lib/db';
import { AppError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import type { Policy } from './disbursements';
import type { DisbursementRow } from './disbursements.repository';
import { planReservation } from './disbursements.reserve';

/*
 * `drawsFrom`: which pots a disbursement takes its money from, said before it is confirmed.
 * A payment is never split, so the list has one pot, or none when nothing may pay it now.
 */

export interface DrawsFrom {
  drawsFrom: Array<{ pot: string; amount: string }>;
  /** why nothing may pay it now (only while it waits for approval): the problem the approval would answer */
  drawsFromRefusal?: { type: string; detail: string };
}

/** Once approved (or paid), where the money was reserved. */
export function drawnFrom(row: DisbursementRow): DrawsFrom {
  return {
    drawsFrom:
      row.pot_code === null
        ? []
        : [{ pot: row.pot_code, amount: formatMoney(BigInt(row.amount), row.currency) }],
  };
}

/**
 * A requested disbursement: where the approval would draw from now (unlocked, so a forecast;
 * the approval chooses again, locked). A refusal is reported, not thrown: the request stands.
 */
export async function drawsFromForecast(
  trx: Trx,
  cacheKey: Db,
  fund: Fund,
  policy: Policy,
  row: DisbursementRow,
): Promise<DrawsFrom> {
  if (row.status !== 'requested') return drawnFrom(row);
  try {
    const plan = await planReservation(trx, cacheKey, fund, policy, row, false);
    return { drawsFrom: [{ pot: plan.pot, amount: formatMoney(BigInt(row.amount), row.currency) }] };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { drawsFrom: [], drawsFromRefusal: { type: err.type, detail: err.message } };
  }
}
