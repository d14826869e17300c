import { expectError } from '@voice/testing/api-errors';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { registerUser, startTestApp, testDb, type TestApp } from '../../test/test-app';
import { createDataSource } from './data-source';

const TIMEOUT_MS = 1_000;
const SLACK_MS = 2_500;

/**
 * Another process holds the lock a write needs (SQLite: a writer's lock, "database is locked";
 * PostgreSQL: a transaction holding the row). The write must give up within DB_TIMEOUT_MS and say
 * so with a 503 the caller may retry, not wait for the lock holder or answer 500.
 */
describe('a write that waits on a lock held by someone else', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp({ DB_TIMEOUT_MS: String(TIMEOUT_MS) });
    const user = await registerUser(t);
    auth = user.auth;
    userId = user.session.user.id;
  });
  afterAll(() => t.close());

  /** Holds the lock on the user's row (PostgreSQL) or the database's write lock (SQLite) while `work` runs. */
  async function whileLocked<T>(work: () => Promise<T>): Promise<T> {
    if (testDb() === 'sqlite') {
      // A second connection to the same file, as another process would have.
      const other = createDataSource({ DATABASE_URL: undefined, DB_POOL_MAX: 1, DATA_DIR: t.config.DATA_DIR });
      await other.initialize();
      await other.query('BEGIN IMMEDIATE');
      try {
        return await work();
      } finally {
        await other.query('ROLLBACK');
        await other.destroy();
      }
    }
    const other = new Client({ connectionString: t.config.DATABASE_URL });
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
    try {
      return await work();
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  }

  it('answers 503 database_unavailable within the bound, then succeeds once the lock is gone', async () => {
    const { res, ms } = await whileLocked(async () => {
      const started = performance.now();
      const res = await t.http.patch('/v1/me').set(auth).send({ displayName: 'Locked Out' }).timeout(20_000);
      return { res, ms: performance.now() - started };
    });
    expectError(res, 503, 'database_unavailable', 'The database did not answer within 1 s. Try again in a few seconds.');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(t.logs.filter((l) => l.includes('"level":50'))).toEqual([]);

    const after = await t.http.patch('/v1/me').set(auth).send({ displayName: 'Unlocked' }).expect(200);
    expect(after.body.displayName).toBe('Unlocked');
  });
});
