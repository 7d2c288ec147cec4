/**
 * Hearings of a claim as records of their own, and the pure rules about them: what may happen
 * to a hearing in each status, and when a local court time is in absolute time.
 */

export const HEARING_KINDS = [
  'conciliation',
  'hearing',
  'trial',
  'appeal',
  'mention',
  'judgment',
  'other',
] as const;
export type HearingKind = (typeof HEARING_KINDS)[number];

export const HEARING_STATUSES = ['scheduled', 'adjourned', 'cancelled', 'held'] as const;
export type HearingStatus = (typeof HEARING_STATUSES)[number];

/** Claim stages in which a court, tribunal or inspector sits (a move there may carry a date). */
export const HEARING_STAGES: ReadonlySet<string> = new Set(['conciliation', 'hearing', 'trial', 'appeal']);

/** Claims that ended keep no hearing ahead: their scheduled ones are cancelled by the move. */
export const ENDED_STATES: ReadonlySet<string> = new Set(['closed', 'withdrawn']);

/**
 * The court's zone when the request names none. Indonesia spans three zones: Jakarta is the
 * default, and a hearing elsewhere names its own `timeZone`.
 */
const JURISDICTION_TIME_ZONES: Readonly<Record<string, string>> = {
  TH: 'Asia/Bangkok',
  MM: 'Asia/Yangon',
  KH: 'Asia/Phnom_Penh',
  LA: 'Asia/Vientiane',
  VN: 'Asia/Ho_Chi_Minh',
  MY: 'Asia/Kuala_Lumpur',
  SG: 'Asia/Singapore',
  PH: 'Asia/Manila',
  ID: 'Asia/Jakarta',
};

export function defaultTimeZone(jurisdiction: string): string {
  return JURISDICTION_TIME_ZONES[jurisdiction] ?? 'UTC';
}

let zones: ReadonlySet<string> | undefined;

/** An IANA zone name this runtime knows (Intl's list, plus UTC which it leaves out). */
export function isTimeZone(name: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  return zones.has(name);
}

/** Minutes the zone is ahead of UTC at that moment. */
function offsetMinutes(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - at) / 60_000);
}

/**
 * The moment a wall-clock time on a day in a zone falls on. The offset is read twice, so a
 * date across a daylight-saving change takes the offset in force at that time.
 */
export function instantOf(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let at = wall - offsetMinutes(timeZone, wall) * 60_000;
  at = wall - offsetMinutes(timeZone, at) * 60_000;
  return new Date(at);
}

/** What each action needs the hearing to be: only a hearing still scheduled can move. */
export type HearingAction = 'reschedule' | 'adjourn' | 'cancel' | 'outcome';

export function actionAllowed(status: HearingStatus): boolean {
  return status === 'scheduled';
}

export interface HearingEventView {
  action: string;
  at: string;
  by: string;
  reason: string | null;
  details: Record<string, unknown>;
}

export interface HearingView {
  id: string;
  claimId: string;
  claimReference: string;
  kind: string;
  date: string;
  time: string | null;
  timeZone: string;
  startsAt: string | null;
  forum: string | null;
  room: string | null;
  status: HearingStatus;
  outcome: string | null;
  outcomeNotes: string | null;
  adjournedTo: string | null;
  adjournedFrom: string | null;
  createdAt: string;
  updatedAt: string;
  history?: HearingEventView[];
}

/** The claim's next hearing, as a claim shows it. */
export interface NextHearing {
  id: string;
  kind: string;
  date: string;
  time: string | null;
  timeZone: string;
  startsAt: string | null;
  forum: string | null;
  room: string | null;
}
