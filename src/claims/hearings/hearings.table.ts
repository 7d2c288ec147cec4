import type { Generated, JSONColumnType } from 'kysely';

export interface HearingsTable {
  id: Generated<string>;
  claim_id: string;
  kind: string;
  /** The day of the hearing, as the court's calendar (time_zone) reads it. */
  scheduled_on: string;
  /** 'HH:MM' on that day, local to time_zone; null when only the day is known. */
  starts_at_local: string | null;
  /** IANA zone of the court, e.g. Asia/Bangkok. */
  time_zone: string;
  /** The moment the hearing starts (from scheduled_on, starts_at_local and time_zone). */
  starts_at: Date | null;
  forum: string | null;
  room: string | null;
  status: 'scheduled' | 'adjourned' | 'cancelled' | 'held';
  outcome: string | null;
  outcome_notes: string | null;
  /** An adjourned hearing: the hearing it was adjourned to, when a new date was given. */
  adjourned_to: string | null;
  /** Set when the hearing came with a move into this claim stage (it ends with the stage). */
  stage: string | null;
  transition_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HearingEventDetails {
  [key: string]: string | null | undefined;
}

/** Append-only: every step of a hearing, who took it and why. */
export interface HearingEventsTable {
  id: Generated<string>;
  hearing_id: string;
  action: 'scheduled' | 'rescheduled' | 'adjourned' | 'cancelled' | 'held';
  reason: string | null;
  details: JSONColumnType<HearingEventDetails, HearingEventDetails | undefined>;
  recorded_by: string | null;
  by_system: Generated<boolean>;
  recorded_at: Generated<Date>;
}

/** A user's private calendar feed: only the SHA-256 of its secret token is kept. */
export interface CalendarFeedsTable {
  user_id: string;
  token_hash: string;
  created_at: Generated<Date>;
}

export interface HearingTables {
  hearings: HearingsTable;
  hearing_events: HearingEventsTable;
  calendar_feeds: CalendarFeedsTable;
}
