import { timestampToIso } from './raw-sql';

describe('timestampToIso', () => {
  it.each([
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05.000Z'],
    ['2026-01-02 03:04:05.1', '2026-01-02T03:04:05.100Z'],
    ['2026-01-02 03:04:05.12', '2026-01-02T03:04:05.120Z'],
    ['2026-01-02 03:04:05.123', '2026-01-02T03:04:05.123Z'],
    ['2026-01-02 03:04:05.123999', '2026-01-02T03:04:05.123Z'],
    ['0999-12-31 23:59:59.5', '0999-12-31T23:59:59.500Z'],
    ['2026-01-02T03:04:05.1234', '2026-01-02T03:04:05.123Z'], // PostgreSQL, inside JSON
    ['2026-01-02T03:04:05', '2026-01-02T03:04:05.000Z'],
  ])('reads %s as %s, as a Date made from it would print (milliseconds truncated)', (stored, iso) => {
    expect(timestampToIso(stored)).toBe(iso);
    expect(new Date(`${stored.replace(' ', 'T')}Z`).toISOString()).toBe(iso);
  });
});
