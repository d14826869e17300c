import type { HealthResponse } from '@voice/contracts/health';
import { performance } from 'node:perf_hooks';
import { startTestApp, type TestApp } from '../../test/test-app';

const UP = { status: 'ok', checks: { database: { status: 'up', latencyMs: expect.any(Number) } } } satisfies Record<keyof HealthResponse, unknown>;

// Runs on the project's database (SQLite, or PostgreSQL in the postgres project); network failures
// of PostgreSQL are exercised by test/health.pg-spec.ts.
describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 200 with exactly the database check, without credentials and uncached', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toStrictEqual(UP);
    expect(res.body.checks.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.body.checks.database.latencyMs).toBeLessThan(800);
  });

  it('answers 503 naming the database within a second when the connection is gone, and 200 once it is back', async () => {
    await t.db.destroy();
    try {
      const started = performance.now();
      const res = await t.http.get('/health');
      const ms = performance.now() - started;
      expect({ status: res.status, body: res.body }).toStrictEqual({
        status: 503,
        body: { status: 'error', checks: { database: { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) } } },
      });
      expect(ms).toBeLessThan(1_000);
      expect(t.logs.some((line) => line.includes('health check failed') && line.includes('database'))).toBe(true);
    } finally {
      if (!t.db.isInitialized) await t.db.initialize();
    }
    expect((await t.http.get('/health').expect(200)).body).toStrictEqual(UP);
  });
});
