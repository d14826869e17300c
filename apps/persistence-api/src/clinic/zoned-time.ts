/** Minimal time-zone arithmetic on Intl, enough to turn clinic wall-clock times into instants. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (tz: string) => {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
};

function wallClock(at: Date, tz: string) {
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { y: +parts.year, mo: +parts.month, d: +parts.day, h: +parts.hour, mi: +parts.minute, s: +parts.second };
}

const offsetMs = (at: Date, tz: string) => {
  const w = wallClock(at, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(at.getTime() / 1000) * 1000;
};

const DAY_MS = 86_400_000;

/**
 * The instant at which the clock in `tz` shows `date` (YYYY-MM-DD) and `time` (HH:MM). A time the
 * clocks skip (a spring-forward gap) moves forward by the gap, and a time they show twice (autumn)
 * is the earlier instant: Temporal's "compatible" choice. Offsets are sampled a day either side,
 * which holds as long as a zone does not change its offset twice within two days.
 */
export function zonedToUtc(date: string, time: string, tz: string): Date {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const before = offsetMs(new Date(wall - DAY_MS), tz);
  const after = offsetMs(new Date(wall + DAY_MS), tz);
  const shows = (instant: number) => offsetMs(new Date(instant), tz) === wall - instant;
  const candidates = [wall - before, wall - after].filter(shows).sort((a, b) => a - b);
  // No candidate: the wall time is in a gap; the offset in force before it carries it past the gap.
  return new Date(candidates[0] ?? wall - before);
}

/** The calendar date (YYYY-MM-DD) that the clock in `tz` shows at `at`. */
export function zonedDate(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${String(w.y).padStart(4, '0')}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** The calendar date `days` after `date` (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

/** [start, end) of the calendar day `date` in `tz`. */
export function zonedDay(date: string, tz: string): [Date, Date] {
  return [zonedToUtc(date, '00:00', tz), zonedToUtc(addDays(date, 1), '00:00', tz)];
}

export function localTime(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${String(w.h).padStart(2, '0')}:${String(w.mi).padStart(2, '0')}`;
}
