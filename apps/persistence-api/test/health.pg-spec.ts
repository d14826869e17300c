import 'reflect-metadata';
import type { HealthResponse } from '@voice/contracts/health';
import { performance } from 'node:perf_hooks';
import { createDataSource } from '../src/database/data-source';
import { createDatabase, dropDatabase } from '@voice/testing';
import { TcpProxy } from './tcp-proxy';
import { startTestApp, type TestApp } from './test-app';

const UP = { status: 'ok', checks: { database: { status: 'up', latencyMs: expect.any(Number) } } } satisfies Record<keyof HealthResponse, unknown>;
const DOWN = {
  status: 'error',
  checks: { database: { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) } },
} satisfies Record<keyof HealthResponse, unknown>;

/** GET /health on PostgreSQL behind a proxy that can take the database away. */
describe('health on PostgreSQL when the network to the database breaks', () => {
  const adminUrl = process.env.PERSISTENCE_TEST_PG_ADMIN_URL as string;
  let dbUrl: string;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    dbUrl = await createDatabase(adminUrl, 'persistence_health');
    const migrator = createDataSource({ DATABASE_URL: dbUrl, DB_POOL_MAX: 1, DATA_DIR: 'unused' });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    proxy = await TcpProxy.inFrontOf(dbUrl);
    t = await startTestApp({ DATABASE_URL: proxy.urlFor(dbUrl), DB_POOL_MAX: '2' });
  });

  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
    if (dbUrl) await dropDatabase(adminUrl, dbUrl);
  });

  async function timedHealth() {
    const started = performance.now();
    const res = await t.http.get('/health');
    return { res, ms: performance.now() - started };
  }

  /** Polls until /health says 200, failing with the last answer when it never does. */
  async function recovers(withinMs = 8_000) {
    const started = performance.now();
    let last: { status: number; body: unknown } | undefined;
    while (performance.now() - started < withinMs) {
      last = await t.http.get('/health');
      if (last.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`/health did not recover within ${withinMs} ms; last answer: ${last?.status} ${JSON.stringify(last?.body)}`);
  }

  async function expectDownWithinASecond() {
    const { res, ms } = await timedHealth();
    expect({ status: res.status, body: res.body }).toStrictEqual({ status: 503, body: DOWN });
    expect(ms).toBeLessThan(1_000);
    return res.body as HealthResponse;
  }

  it('answers 200 with exactly the database check while the database is reachable', async () => {
    const { res, ms } = await timedHealth();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toStrictEqual(UP);
    expect(res.body.checks.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1_000);
    expect(proxy.openConnections).toBeGreaterThan(0);
  });

  it('answers 503 naming the database within a second when the database host refuses connections, then recovers', async () => {
    await proxy.cut();
    const body = await expectDownWithinASecond();
    expect(body.checks.database.error).not.toMatch(/within 800 ms/);
    await expectDownWithinASecond();

    await proxy.restore();
    expect(await recovers()).toBeLessThan(8_000);
    expect((await t.http.get('/health').expect(200)).body).toStrictEqual(UP);
  });

  it('answers 503 within a second when new connections are accepted but nothing comes back, then recovers', async () => {
    await proxy.cut();
    await proxy.blackhole();
    const body = await expectDownWithinASecond();
    expect(body.checks.database.error).toBe('no answer within 800 ms');
    // Every probe leaves a connection attempt pending in the pool; more probes must not take longer.
    for (let i = 0; i < 3; i++) await expectDownWithinASecond();

    await proxy.restore();
    expect(await recovers()).toBeLessThan(8_000);
    expect((await t.http.get('/health').expect(200)).body).toStrictEqual(UP);
  });

  it('answers 503 within a second when established connections go silent, then recovers', async () => {
    await t.http.get('/health').expect(200);
    expect(proxy.openConnections).toBeGreaterThan(0);
    await proxy.blackhole();
    const body = await expectDownWithinASecond();
    expect(body.checks.database.error).toBe('no answer within 800 ms');
    await expectDownWithinASecond();

    await proxy.restore();
    expect(await recovers()).toBeLessThan(8_000);
  });
});
