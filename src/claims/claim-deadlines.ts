import type { FieldCipher } from '../lib/crypto';
import type { Trx } from '../lib/db';
import { FIELD } from '../victims/victims.mapper';
import { findVictim, type VictimRow } from '../victims/victims.repository';
import { claimsOfVictim, historyOf, replaceDeadlines, type ClaimRow } from './claims.repository';
import { todayUtc } from '../lib/dates';
import { computeDeadlines, type Deadline } from './deadlines';
import type { Route } from './route-machines';

/**
 * Recomputes a claim's deadlines from its history and stores them, so lists can filter on
 * "due within N days" with an index. The child clock needs the birth date: decrypted here, in
 * memory, and never stored beside the dates it produces.
 */
export async function refreshDeadlines(
  trx: Trx,
  cipher: FieldCipher,
  claim: ClaimRow,
  victim?: VictimRow,
): Promise<Deadline[]> {
  const v = victim ?? (await findVictim(trx, claim.victim_id));
  const history = await historyOf(trx, claim.id);
  const deadlines = computeDeadlines({
    route: claim.route as Route,
    jurisdiction: claim.jurisdiction,
    filedOn: claim.filed_on,
    causeOfActionOn: claim.cause_of_action_on,
    status: claim.status,
    statusSince: claim.status_since,
    history: history.map((h) => ({ from: h.from_status, to: h.to_status, occurredOn: h.occurred_on })),
    victim: {
      isChild: v?.is_child ?? false,
      dateOfBirth: v ? cipher.decryptNullable(FIELD.dateOfBirth, v.date_of_birth_enc) : null,
    },
  });
  const recorded = await replaceDeadlines(
    trx,
    claim.id,
    deadlines.map((d) => ({ kind: d.kind, due_on: d.dueOn, met_on: d.metOn, basis: d.basis })),
    todayUtc(),
  );
  return deadlines.map((d) => ({ ...d, recordedOn: recorded.find((r) => r.kind === d.kind)!.recordedOn }));
}

/** After a victim's birth date or child flag changes, every claim's clock is recomputed. */
export async function refreshVictimDeadlines(
  trx: Trx,
  cipher: FieldCipher,
  victim: VictimRow,
): Promise<void> {
  for (const claim of await claimsOfVictim(trx, victim.id))
    await refreshDeadlines(trx, cipher, claim, victim);
}
