import type { Trx } from '../lib/db';
import { assertDateOrder, notAfter, notBefore } from '../lib/date-order';
import { earliestClaimDates, type VictimRow } from './victims.repository';

const BIRTH = "the victim's birth (dateOfBirth)";

/** A new victim: identified after being born. */
export function checkNewVictimDates(input: { dateOfBirth?: string; identifiedOn?: string }): void {
  assertDateOrder([notBefore('identifiedOn', input.identifiedOn, BIRTH, input.dateOfBirth)]);
}

/** A corrected birth date still precedes the identification and every claim's filing and cause. */
export async function checkBirthDateChange(trx: Trx, row: VictimRow, dateOfBirth: string | undefined) {
  if (dateOfBirth === undefined) return;
  const claims = await earliestClaimDates(trx, row.id);
  assertDateOrder([
    notAfter('dateOfBirth', dateOfBirth, 'the identification (identifiedOn)', row.identified_on),
    notAfter('dateOfBirth', dateOfBirth, 'the earliest cause of action of a claim', claims.causeOfActionOn),
    notAfter('dateOfBirth', dateOfBirth, 'the earliest filing of a claim', claims.filedOn),
  ]);
}
