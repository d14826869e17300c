import { pgTimestampToIso } from './raw-sql';

describe('pgTimestampToIso', () => {
  it.each([
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05.000Z'],
    ['2026-01-02 03:04:05.1', '2026-01-02T03:04:05.100Z'],
    ['2026-01-02 03:04:05.12', '2026-01-02T03:04:05.120Z'],
    ['2026-01-02 03:04:05.123', '2026-01-02T03:04:05.123Z'],
    ['2026-01-02 03:04:05.123999', '2026-01-02T03:04:05.123Z'],
    ['0999-12-31 23:59:59.5', '0999-12-31T23:59:59.500Z'],
  ])('reads %s as %s, as a Date made from it would print (milliseconds truncated)', (pg, iso) => {
    expect(pgTimestampToIso(pg)).toBe(iso);
    expect(new Date(`${pg.replace(' ', 'T')}Z`).toISOString()).toBe(iso);
  });
});
