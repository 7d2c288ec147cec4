import type { Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { effectiveWitness } from '../victims/victims';
import {
  hasClaimIn,
  lockVictim,
  recordWitnessChange,
  updateVictimRow,
  type VictimRow,
} from '../victims/victims.repository';
import { isWitnessState, statesOf } from './route-machines';

const CRIMINAL_WITNESS_STATES = statesOf('criminal').filter((s) => isWitnessState('criminal', s));

/**
 * A victim is a witness while one of their criminal claims is in proceedings where they may
 * testify, unless a person set it by hand. Each change is kept with its source and time.
 */
export async function refreshWitness(trx: Trx, victimId: string, by: string | null): Promise<VictimRow> {
  const row = await lockVictim(trx, victimId);
  if (!row) throw new NotFoundError('victim');
  const automatic = await hasClaimIn(trx, victimId, 'criminal', CRIMINAL_WITNESS_STATES);
  const witness = effectiveWitness(automatic, row.witness_override);
  if (witness === row.is_witness) return row;
  await recordWitnessChange(
    trx,
    victimId,
    witness,
    row.witness_override === null ? 'automatic' : 'manual',
    by,
  );
  return updateVictimRow(trx, victimId, { is_witness: witness });
}
