import Joi from 'joi';
import { listFormat } from '../../lib/csv';
import { isoDate, uuid } from '../../lib/schemas';
import { HEARING_KINDS, HEARING_STATUSES, isTimeZone } from './hearings';
import type {
  AdjournHearingInput,
  CancelHearingInput,
  HearingOutcomeInput,
  RescheduleHearingInput,
  ScheduleHearingInput,
} from './hearings.service';
import type { HearingListQuery } from './hearings.reads';

const text = (max: number) => Joi.string().trim().min(1).max(max);

const time = () =>
  Joi.string()
    .pattern(/^([01]\d|2[0-3]):[0-5]\d$/)
    .messages({ 'string.pattern.base': '{{#label}} must be a local time as HH:MM (24-hour)' })
    .description('Local time in the court’s zone; without it the hearing is for the whole day');

const timeZone = () =>
  Joi.string()
    .max(64)
    .custom((value: string, helpers) => (isTimeZone(value) ? value : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '{{#label}} must be an IANA time zone such as Asia/Bangkok' })
    .description("IANA zone of the court (default: the claim's jurisdiction's, e.g. Asia/Bangkok for TH)");

const forum = () => text(200).description('Court or tribunal (default: the claim’s forum)');
const room = () => text(100).description('Court room');

export interface HearingIdParams {
  id: string;
}

export const hearingIdParams = Joi.object<HearingIdParams, true>({ id: uuid().required() });

export const scheduleHearingBody = Joi.object<ScheduleHearingInput, true>({
  kind: Joi.string()
    .valid(...HEARING_KINDS)
    .required(),
  date: isoDate().required().description('The day of the hearing (may be in the future)'),
  time: time(),
  timeZone: timeZone(),
  forum: forum(),
  room: room(),
  note: text(2000),
});

export const rescheduleHearingBody = Joi.object<RescheduleHearingInput, true>({
  date: isoDate().required(),
  time: time(),
  timeZone: timeZone(),
  forum: forum(),
  room: room(),
  reason: text(2000),
});

export const adjournHearingBody = Joi.object<AdjournHearingInput, true>({
  reason: text(2000).required(),
  newDate: isoDate().description('The day it was adjourned to: a new hearing is scheduled then'),
  time: time(),
  timeZone: timeZone(),
  forum: forum(),
  room: room(),
})
  .with('time', 'newDate')
  .with('timeZone', 'newDate')
  .with('forum', 'newDate')
  .with('room', 'newDate');

export const cancelHearingBody = Joi.object<CancelHearingInput, true>({
  reason: text(2000).required(),
});

export const hearingOutcomeBody = Joi.object<HearingOutcomeInput, true>({
  outcome: text(500).required().description('What came of the hearing, in a line'),
  notes: text(4000),
});

export const hearingListQuery = Joi.object<HearingListQuery, true>({
  from: isoDate().description('First day (default: today, UTC)'),
  to: isoDate().description('Last day, included (default: from + 90 days; at most 400 days after from)'),
  status: Joi.string().valid(...HEARING_STATUSES),
  limit: Joi.number().integer().min(1).max(500).default(50),
  cursor: Joi.string().max(300),
  format: listFormat,
});

const place = {
  date: Joi.string(),
  time: Joi.string().allow(null),
  timeZone: Joi.string(),
  startsAt: Joi.string().allow(null).description('The moment it starts (RFC 3339, UTC), when a time is set'),
  forum: Joi.string().allow(null),
  room: Joi.string().allow(null),
};

export const nextHearingSchema = Joi.object({ id: Joi.string(), kind: Joi.string(), ...place })
  .allow(null)
  .description('The next hearing still scheduled, today or later');

export const hearingResponse = Joi.object({
  id: Joi.string(),
  claimId: Joi.string(),
  claimReference: Joi.string(),
  kind: Joi.string(),
  ...place,
  status: Joi.string().valid(...HEARING_STATUSES),
  outcome: Joi.string().allow(null),
  outcomeNotes: Joi.string().allow(null),
  adjournedTo: Joi.string().allow(null),
  adjournedFrom: Joi.string().allow(null),
  createdAt: Joi.string(),
  updatedAt: Joi.string(),
  history: Joi.array().items(
    Joi.object({
      action: Joi.string(),
      at: Joi.string(),
      by: Joi.string().description('A user id, or "system" (a claim move that made it moot)'),
      reason: Joi.string().allow(null),
      details: Joi.object().unknown(true),
    }),
  ),
});

export const hearingPage = Joi.object({
  items: Joi.array().items(hearingResponse),
  nextCursor: Joi.string().allow(null),
  from: Joi.string(),
  to: Joi.string(),
});
