import { sql } from 'kysely';

/**
 * THE SEAM for hearings: SQL giving a claim's next hearing date (alias `c` = claims), or null.
 * Until hearings are records of their own (the `hearings` work), it is the date the latest move
 * carries (`claim_transitions.hearing_on`), when that move is still the claim's stage and the
 * date is not past. Switch this one expression to the hearings table when it lands.
 */
export function nextHearingOf(today: string) {
  return sql<string | null>`(select t.hearing_on::text from claim_transitions t
     where t.claim_id = c.id and t.id = (select max(t2.id) from claim_transitions t2 where t2.claim_id = c.id)
       and t.to_status = c.status and t.hearing_on >= ${today}::date)`;
}
