/** Calendar arithmetic in the clinic's time zone, shared by the tools and the offline model. */

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const isWeekday = (word: string): word is Weekday => (WEEKDAYS as readonly string[]).includes(word);

/** The clinic-local date (YYYY-MM-DD) of an instant. */
export function localDate(instant: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
  return parts;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const weekdayOf = (date: string): Weekday => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];

/** The next date that falls on `weekday`, today included (a caller saying "Tuesday" on a Tuesday means today). */
export function nextWeekday(weekday: Weekday, today: string, skipToday = false): string {
  for (let i = skipToday ? 1 : 0; i < 8; i++) {
    const date = addDays(today, i);
    if (weekdayOf(date) === weekday) return date;
  }
  throw new Error('unreachable');
}

/** "Tuesday", "today", "tomorrow" for a date near `today`; "Tuesday, March 3" further out. */
export function spokenDate(date: string, today: string): string {
  if (date === today) return 'today';
  if (date === addDays(today, 1)) return 'tomorrow';
  const weekday = weekdayOf(date);
  const name = weekday[0].toUpperCase() + weekday.slice(1);
  const days = (Date.parse(date) - Date.parse(today)) / 86_400_000;
  if (days > 0 && days < 7) return name;
  const month = new Date(`${date}T00:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  return `${name}, ${month} ${Number(date.slice(8, 10))}`;
}

/** "09:30" → "9:30 AM", "13:00" → "1 PM": how the agent says a time. */
export function spokenTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  const suffix = h < 12 ? 'AM' : 'PM';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour} ${suffix}` : `${hour}:${String(m).padStart(2, '0')} ${suffix}`;
}

/** Clinic-local wall-clock "HH:MM" of an instant. */
export function localTime(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}
