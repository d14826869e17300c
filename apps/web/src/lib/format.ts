const formatters = new Map<string, { dateTime: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

/** The formatters of one time zone (an unknown zone is read as UTC rather than failing the page). */
function inZone(timeZone: string) {
  let zone = formatters.get(timeZone);
  if (!zone) {
    const tz = isTimeZone(timeZone) ? timeZone : 'UTC';
    zone = {
      dateTime: new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }),
      time: new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    };
    formatters.set(timeZone, zone);
  }
  return zone;
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Dates render on the server, so in the zone the user chose in their profile (not the server's),
 * and the date and time name it: "15 Jan 2026, 13:00 CET".
 */
export const formatDateTime = (iso: string, timeZone = 'UTC') => inZone(timeZone).dateTime.format(new Date(iso));
/** A time of day in the user's zone, for times within a conversation whose date and zone are shown above them. */
export const formatTime = (iso: string, timeZone = 'UTC') => inZone(timeZone).time.format(new Date(iso));
