import { sql } from 'kysely';

/**
 * SQL giving a claim's next hearing day (alias `c` = claims), or null: the earliest hearing
 * record still scheduled for today or later, so an adjourned, rescheduled or cancelled hearing
 * never shows its old date (the same rule as the claim's `nextHearing`).
 */
export function nextHearingOf(today: string) {
  return sql<string | null>`(select min(h.scheduled_on)::text from hearings h
     where h.claim_id = c.id and h.status = 'scheduled' and h.scheduled_on >= ${today}::date)`;
}
