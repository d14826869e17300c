import type { Weekday } from '@voice/contracts/persistence';
import { zonedToUtc } from './zoned-time';

/** In ISO order: Monday is weekday 1, Sunday 7. */
const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export const weekdayNumber = (weekday: Weekday) => WEEKDAYS.indexOf(weekday) + 1;
export const weekdayName = (n: number): Weekday => WEEKDAYS[n - 1];

/** The ISO weekday (1 = Monday … 7 = Sunday) of a calendar date (YYYY-MM-DD). */
export function isoWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

export interface WeeklyRule {
  weekday: number;
  startTime: string;
  endTime: string;
  validFrom: string | null;
  validUntil: string | null;
}

export interface Span {
  startsAt: Date;
  endsAt: Date;
}

/**
 * The instants the weekly rules cover on the clinic date `date`. Clock times are turned into
 * instants on that very date, so a shift keeps its wall-clock hours across daylight-saving changes
 * (and is an hour shorter or longer when the change happens inside it).
 */
export function weeklySpans(date: string, rules: readonly WeeklyRule[], tz: string): Span[] {
  const weekday = isoWeekday(date);
  return rules
    .filter((r) => r.weekday === weekday && (!r.validFrom || r.validFrom <= date) && (!r.validUntil || date <= r.validUntil))
    .map((r) => ({ startsAt: zonedToUtc(date, r.startTime, tz), endsAt: zonedToUtc(date, r.endTime, tz) }));
}
