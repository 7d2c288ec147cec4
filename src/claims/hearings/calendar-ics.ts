import ical, { ICalEventStatus } from 'ical-generator';
import type { HearingView } from './hearings';

/**
 * A calendar of hearings (RFC 5545). Each event says which claim (its reference) and where (the
 * forum and room), and nothing else: no victim's name, no case number, no notes or outcome,
 * since a calendar app syncs it to phones and cloud services beyond the service's control.
 */
export function hearingsCalendar(hearings: HearingView[], now: Date): string {
  const calendar = ical({
    name: 'Hearings',
    prodId: { company: 'Redress', product: 'Hearings', language: 'EN' },
  });
  for (const h of hearings) {
    const where = [h.forum, h.room].filter((s): s is string => !!s).join(', ');
    calendar.createEvent({
      id: `${h.id}@redress`,
      stamp: now,
      lastModified: new Date(h.updatedAt),
      summary: where ? `${h.claimReference} · ${where}` : h.claimReference,
      location: where || null,
      // a whole-day hearing is a DATE value: the court's day, whatever zone the reader is in
      ...(h.startsAt
        ? { start: new Date(h.startsAt) }
        : { start: new Date(`${h.date}T00:00:00Z`), allDay: true }),
      status:
        h.status === 'cancelled' || h.status === 'adjourned'
          ? ICalEventStatus.CANCELLED
          : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
