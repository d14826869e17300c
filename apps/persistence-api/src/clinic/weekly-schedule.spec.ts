import { isoWeekday, weekdayName, weekdayNumber, weeklySpans, type WeeklyRule } from './weekly-schedule';

const NY = 'America/New_York';
const rule = (weekday: number, startTime: string, endTime: string, validFrom: string | null = null, validUntil: string | null = null): WeeklyRule => ({
  weekday,
  startTime,
  endTime,
  validFrom,
  validUntil,
});
const iso = (spans: { startsAt: Date; endsAt: Date }[]) => spans.map((s) => [s.startsAt.toISOString(), s.endsAt.toISOString()]);

describe('weekly schedule', () => {
  it('numbers weekdays the ISO way, Monday 1 to Sunday 7', () => {
    expect(['2030-03-04', '2030-03-09', '2030-03-10'].map(isoWeekday)).toEqual([1, 6, 7]);
    expect(weekdayNumber('monday')).toBe(1);
    expect(weekdayNumber('sunday')).toBe(7);
    expect(weekdayName(3)).toBe('wednesday');
  });

  it('repeats a rule on its weekday only, as far ahead as asked', () => {
    const mondays = [rule(1, '09:00', '12:00')];
    expect(iso(weeklySpans('2030-01-07', mondays, 'UTC'))).toEqual([['2030-01-07T09:00:00.000Z', '2030-01-07T12:00:00.000Z']]);
    expect(iso(weeklySpans('2030-01-08', mondays, 'UTC'))).toEqual([]);
    expect(iso(weeklySpans('2099-12-28', mondays, 'UTC'))).toEqual([['2099-12-28T09:00:00.000Z', '2099-12-28T12:00:00.000Z']]);
  });

  it('applies a rule only between its validity dates, both inclusive', () => {
    const bounded = [rule(1, '09:00', '10:00', '2030-01-14', '2030-01-28')];
    const on = (date: string) => weeklySpans(date, bounded, 'UTC').length;
    expect(['2030-01-07', '2030-01-14', '2030-01-21', '2030-01-28', '2030-02-04'].map(on)).toEqual([0, 1, 1, 1, 0]);
  });

  it('runs a shift ending at 24:00 to midnight', () => {
    expect(iso(weeklySpans('2030-01-07', [rule(1, '20:00', '24:00')], 'UTC'))).toEqual([['2030-01-07T20:00:00.000Z', '2030-01-08T00:00:00.000Z']]);
  });

  describe('across daylight saving (America/New_York)', () => {
    it('keeps the wall-clock hours: 09:00 is 14:00 UTC before the spring change and 13:00 UTC after', () => {
      const mondays = [rule(1, '09:00', '17:00')];
      expect(iso(weeklySpans('2030-03-04', mondays, NY))).toEqual([['2030-03-04T14:00:00.000Z', '2030-03-04T22:00:00.000Z']]);
      expect(iso(weeklySpans('2030-03-11', mondays, NY))).toEqual([['2030-03-11T13:00:00.000Z', '2030-03-11T21:00:00.000Z']]);
    });

    it('shortens a shift that spans the skipped hour and lengthens one that spans the repeated hour', () => {
      // 2030-03-10: 02:00 EST jumps to 03:00 EDT; 2030-11-03: 02:00 EDT falls back to 01:00 EST.
      expect(iso(weeklySpans('2030-03-10', [rule(7, '01:00', '04:00')], NY))).toEqual([['2030-03-10T06:00:00.000Z', '2030-03-10T08:00:00.000Z']]);
      expect(iso(weeklySpans('2030-11-03', [rule(7, '00:00', '03:00')], NY))).toEqual([['2030-11-03T04:00:00.000Z', '2030-11-03T08:00:00.000Z']]);
    });
  });
});
