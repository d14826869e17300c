import { localTime, zonedDate, zonedDay, zonedToUtc } from './zoned-time';

const utc = (iso: string) => new Date(iso).toISOString();
const hours = ([start, end]: [Date, Date]) => (end.getTime() - start.getTime()) / 3_600_000;

describe('zoned time', () => {
  describe('UTC', () => {
    it('is the identity', () => {
      expect(zonedToUtc('2030-01-15', '09:30', 'UTC').toISOString()).toBe(utc('2030-01-15T09:30:00Z'));
      expect(zonedDay('2030-01-15', 'UTC').map((d) => d.toISOString())).toEqual([utc('2030-01-15T00:00:00Z'), utc('2030-01-16T00:00:00Z')]);
      expect(localTime(new Date('2030-01-15T23:59:59Z'), 'UTC')).toBe('23:59');
      expect(localTime(new Date('2030-01-16T00:00:00Z'), 'UTC')).toBe('00:00');
    });

    it('rolls over month and year ends', () => {
      expect(zonedDay('2030-12-31', 'UTC')[1].toISOString()).toBe(utc('2031-01-01T00:00:00Z'));
      expect(zonedDay('2032-02-28', 'UTC')[1].toISOString()).toBe(utc('2032-02-29T00:00:00Z'));
    });
  });

  describe('Asia/Kolkata (UTC+05:30, no daylight saving)', () => {
    const tz = 'Asia/Kolkata';
    it('converts wall-clock times with the half-hour offset', () => {
      expect(zonedToUtc('2030-06-15', '09:00', tz).toISOString()).toBe(utc('2030-06-15T03:30:00Z'));
      expect(zonedToUtc('2030-06-15', '02:00', tz).toISOString()).toBe(utc('2030-06-14T20:30:00Z'));
      expect(localTime(new Date('2030-06-15T03:30:00Z'), tz)).toBe('09:00');
      expect(localTime(new Date('2030-06-14T18:30:00Z'), tz)).toBe('00:00');
    });

    it('has 24-hour days that start at 18:30 UTC the day before', () => {
      const day = zonedDay('2030-06-15', tz);
      expect(day.map((d) => d.toISOString())).toEqual([utc('2030-06-14T18:30:00Z'), utc('2030-06-15T18:30:00Z')]);
    });
  });

  describe('America/New_York across daylight-saving changes', () => {
    const tz = 'America/New_York';

    it('uses EST before and EDT after the spring change (2025-03-09 02:00 → 03:00)', () => {
      expect(zonedToUtc('2025-03-08', '09:00', tz).toISOString()).toBe(utc('2025-03-08T14:00:00Z'));
      expect(zonedToUtc('2025-03-09', '01:30', tz).toISOString()).toBe(utc('2025-03-09T06:30:00Z'));
      expect(zonedToUtc('2025-03-09', '03:00', tz).toISOString()).toBe(utc('2025-03-09T07:00:00Z'));
      expect(zonedToUtc('2025-03-09', '09:00', tz).toISOString()).toBe(utc('2025-03-09T13:00:00Z'));
      expect(localTime(new Date('2025-03-09T06:59:00Z'), tz)).toBe('01:59');
      expect(localTime(new Date('2025-03-09T07:00:00Z'), tz)).toBe('03:00');
    });

    it('has a 23-hour day in spring and a 25-hour day in autumn', () => {
      const spring = zonedDay('2025-03-09', tz);
      expect(spring.map((d) => d.toISOString())).toEqual([utc('2025-03-09T05:00:00Z'), utc('2025-03-10T04:00:00Z')]);
      expect(hours(spring)).toBe(23);
      const autumn = zonedDay('2025-11-02', tz);
      expect(autumn.map((d) => d.toISOString())).toEqual([utc('2025-11-02T04:00:00Z'), utc('2025-11-03T05:00:00Z')]);
      expect(hours(autumn)).toBe(25);
      expect(hours(zonedDay('2025-11-03', tz))).toBe(24);
    });

    it('moves a time that the spring change skips forward by the gap, as calendars do', () => {
      // 02:30 does not exist on 2025-03-09; like Temporal's "compatible" choice, it means 03:30 EDT.
      expect(zonedToUtc('2025-03-09', '02:30', tz).toISOString()).toBe(utc('2025-03-09T07:30:00Z'));
    });

    it('takes the earlier of the two instants of a repeated autumn hour', () => {
      expect(zonedToUtc('2025-11-02', '01:30', tz).toISOString()).toBe(utc('2025-11-02T05:30:00Z'));
      expect(localTime(new Date('2025-11-02T05:30:00Z'), tz)).toBe('01:30');
      expect(localTime(new Date('2025-11-02T06:30:00Z'), tz)).toBe('01:30');
      expect(zonedToUtc('2025-11-02', '09:00', tz).toISOString()).toBe(utc('2025-11-02T14:00:00Z'));
    });
  });

  describe('zones whose clocks skip midnight', () => {
    it('starts the day at the first instant that exists on it (America/Santiago, 2025-09-07 00:00 → 01:00)', () => {
      const day = zonedDay('2025-09-07', 'America/Santiago');
      expect(day[0].toISOString()).toBe(utc('2025-09-07T04:00:00Z'));
      expect(localTime(day[0], 'America/Santiago')).toBe('01:00');
      expect(zonedDay('2025-09-06', 'America/Santiago')[1].toISOString()).toBe(utc('2025-09-07T04:00:00Z'));
      expect(hours(day)).toBe(23);
    });

    it('does the same for Africa/Cairo (2025-04-25 00:00 → 01:00)', () => {
      expect(zonedDay('2025-04-25', 'Africa/Cairo')[0].toISOString()).toBe(utc('2025-04-24T22:00:00Z'));
    });
  });

  describe('zonedDate', () => {
    it('is the calendar date on the clinic wall at an instant', () => {
      expect(zonedDate(new Date('2030-01-04T03:00:00Z'), 'America/Los_Angeles')).toBe('2030-01-03');
      expect(zonedDate(new Date('2030-01-04T03:00:00Z'), 'UTC')).toBe('2030-01-04');
      expect(zonedDate(new Date('2030-01-04T20:00:00Z'), 'Asia/Kolkata')).toBe('2030-01-05');
    });
  });
});
