import { formatDateTime, formatTime } from './format';

describe('dates and times in the profile time zone', () => {
  it("shows an instant in the user's zone and names the zone", () => {
    expect(formatDateTime('2026-01-15T12:05:00.000Z', 'Europe/Berlin')).toBe('15 Jan 2026, 13:05 CET');
    expect(formatDateTime('2026-07-15T12:05:00.000Z', 'Europe/Berlin')).toBe('15 Jul 2026, 14:05 CEST');
    expect(formatDateTime('2026-01-15T23:30:00.000Z', 'Asia/Tokyo')).toBe('16 Jan 2026, 08:30 GMT+9');
    expect(formatTime('2026-01-15T12:05:09.000Z', 'America/New_York')).toBe('07:05:09');
  });

  it('uses UTC when no zone, or an unknown one, is given', () => {
    expect(formatDateTime('2026-01-15T12:05:00.000Z')).toBe('15 Jan 2026, 12:05 UTC');
    expect(formatDateTime('2026-01-15T12:05:00.000Z', 'Mars/Olympus')).toBe('15 Jan 2026, 12:05 UTC');
  });
});
