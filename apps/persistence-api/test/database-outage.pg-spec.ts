import 'reflect-metadata';
import { createDatabase, dropDatabase } from '@voice/testing';
import { expectError } from '@voice/testing/api-errors';
import { performance } from 'node:perf_hooks';
import { createDataSource } from '../src/database/data-source';
import { TcpProxy } from './tcp-proxy';
import { registerUser, startTestApp, type TestApp } from './test-app';

/** The bound the app is started with, and what a slow machine may add to it. */
const TIMEOUT_MS = 1_000;
const SLACK_MS = 2_500;

interface LogLine {
  level: number;
  msg?: string;
  err?: { stack?: string };
  refused?: number;
  [key: string]: unknown;
}

/** API requests on PostgreSQL behind a proxy that can take the database away or make it hang. */
describe('API requests on PostgreSQL when the database is down or hangs', () => {
  const adminUrl = process.env.PERSISTENCE_TEST_PG_ADMIN_URL as string;
  let dbUrl: string;
  let appUrl: string;
  let proxy: TcpProxy;
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    dbUrl = await createDatabase(adminUrl, 'persistence_outage');
    const migrator = createDataSource({ DATABASE_URL: dbUrl, DB_POOL_MAX: 1, DATA_DIR: 'unused' });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    proxy = await TcpProxy.inFrontOf(dbUrl);
    // A password the logs and answers must never show (the test server trusts loopback, so any works;
    // a server that checks passwords gets the one of the URL).
    const url = new URL(proxy.urlFor(dbUrl));
    if (!url.password) url.password = 'outage-test-password-do-not-log';
    appUrl = url.toString();
    t = await startTestApp({ DATABASE_URL: appUrl, DB_POOL_MAX: '2', DB_TIMEOUT_MS: String(TIMEOUT_MS) });
    ({ auth } = await registerUser(t));
  });

  afterEach(async () => {
    await proxy?.restore();
    if (t) await recovered();
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    if (dbUrl) await dropDatabase(adminUrl, dbUrl);
  });

  const lines = (): LogLine[] => t.logs.map((l) => JSON.parse(l) as LogLine);
  const outageStarts = () => lines().filter((l) => /^database unavailable/.test(l.msg ?? ''));
  const outageEnds = () => lines().filter((l) => /^database available again/.test(l.msg ?? ''));

  /** Polls GET /v1/me until it answers 200; returns how many 503s it saw on the way. */
  async function recovered(withinMs = 10_000): Promise<number> {
    const started = performance.now();
    let refused = 0;
    let last: { status: number; body: unknown } | undefined;
    while (performance.now() - started < withinMs) {
      last = await t.http.get('/v1/me').set(auth).timeout(withinMs);
      if (last.status === 200) return refused;
      if (last.status === 503) refused++;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`GET /v1/me did not recover within ${withinMs} ms; last answer: ${last?.status} ${JSON.stringify(last?.body)}`);
  }

  async function eventually(check: () => boolean, withinMs = 5_000) {
    const started = performance.now();
    while (!check() && performance.now() - started < withinMs) await new Promise((r) => setTimeout(r, 50));
    return check();
  }

  /** One GET /v1/me, with how long it took; a request the app holds longer than 15 s fails the test. */
  async function timedGet() {
    const started = performance.now();
    const res = await t.http.get('/v1/me').set(auth).timeout(15_000);
    return { res, ms: performance.now() - started };
  }

  function expectNoSecretsOrStacks(since: number) {
    const password = decodeURIComponent(new URL(appUrl).password);
    const text = t.logs.slice(since).join('\n');
    expect(text).not.toContain(password);
    expect(
      lines()
        .slice(since)
        .filter((l) => l.level >= 50 || l.err?.stack),
    ).toEqual([]);
  }

  it('answers 503 database_unavailable with Retry-After while the host refuses connections, logging the outage once with a count', async () => {
    await t.http.get('/v1/me').set(auth).expect(200);
    const logsBefore = t.logs.length;
    const startsBefore = outageStarts().length;
    const endsBefore = outageEnds().length;
    await proxy.cut();

    let refused = 0;
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => timedGet()));
      for (const { res, ms } of answers) {
        const error = expectError(res, 503, 'database_unavailable', /database/i);
        expect(error.message).not.toContain(new URL(appUrl).password);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);
        refused++;
      }
    }
    expect(outageStarts().length - startsBefore).toBe(1);
    expect(outageEnds().length - endsBefore).toBe(0);

    await proxy.restore();
    refused += await recovered();
    expect(await eventually(() => outageEnds().length > endsBefore)).toBe(true);
    const end = outageEnds().at(-1) as LogLine;
    expect(end.refused).toBe(refused);
    expect(outageStarts().length - startsBefore).toBe(1);
    expectNoSecretsOrStacks(logsBefore);
  });

  it('answers 503 saying the database did not answer within the bound when open connections go silent', async () => {
    await t.http.get('/v1/me').set(auth).expect(200);
    const logsBefore = t.logs.length;
    await proxy.blackhole();

    const { res, ms } = await timedGet();
    expectError(res, 503, 'database_unavailable', `The database did not answer within 1 s. Try again in a few seconds.`);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);

    // More requests than the pool has connections: those waiting for a connection are bounded too.
    const answers = await Promise.all(Array.from({ length: 6 }, () => timedGet()));
    for (const a of answers) {
      expectError(a.res, 503, 'database_unavailable', /did not answer within 1 s/);
      expect(a.ms).toBeLessThan(3 * TIMEOUT_MS + SLACK_MS);
    }
    expectNoSecretsOrStacks(logsBefore);
  });

  it('answers 503 within the bound when new connections are accepted but nothing comes back', async () => {
    await proxy.cut();
    await proxy.blackhole();
    const answers = await Promise.all(Array.from({ length: 4 }, () => timedGet()));
    for (const { res, ms } of answers) {
      expectError(res, 503, 'database_unavailable', /did not answer within 1 s/);
      expect(ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);
    }
  });
});
