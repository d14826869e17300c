import { ApiError } from '@voice/server-kit';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { PersistenceApiConfig } from '../config';
import { type FailureLog, MemoryFailureLog } from './failure-log';
import { LoginThrottleService } from './login-throttle.service';
import { RedisFailureLog } from './redis-failure-log';
import { TEST_REDIS_URL as REDIS_URL } from '../../test/redis';
import { TcpProxy } from '../../test/tcp-proxy';

const WINDOW_S = 60;
const MAX = 3;
const T0 = 1_700_000_000_000;

const config = { LOGIN_MAX_FAILURES: MAX, LOGIN_LOCKOUT_SECONDS: WINDOW_S } as PersistenceApiConfig;

/** The 429 the call throws, or a failure when it does not throw one. */
async function refusal(attempt: Promise<unknown>): Promise<ApiError> {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!err) throw new Error('expected the attempt to be refused with 429');
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).getStatus()).toBe(429);
  return err as ApiError;
}

const clients: Redis[] = [];
const redisClient = (url = REDIS_URL) => {
  const c = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500, lazyConnect: true });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
};
/** A Redis log under a prefix of its own, so tests (and runs) never see each other's counts. */
const redisLog = (redis = redisClient(), prefix = `test:${randomUUID()}:`) =>
  new RedisFailureLog(
    redis,
    {
      began: (err) => {
        throw err;
      },
      ended: () => undefined,
    },
    prefix,
  );

beforeAll(async () => {
  await redisClient()
    .connect()
    .catch((err: Error) => {
      throw new Error(`these tests need Redis at ${REDIS_URL} (set TEST_REDIS_URL, or start redis-server): ${err.message}`);
    });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
});

/** One attempt with a wrong password: begun, then judged a failure. */
const fail = async (s: LoginThrottleService, email: string, address: string, at: number) => s.failed(await s.begin(email, address, at));

const logs: [string, () => FailureLog][] = [
  ['in this process', () => new MemoryFailureLog()],
  ['in Redis (a real server)', () => redisLog()],
];

describe.each(logs)('LoginThrottleService, counting %s', (_, makeLog) => {
  const throttle = () => new LoginThrottleService(config, makeLog());

  it('allows LOGIN_MAX_FAILURES failed attempts per account, then refuses with Retry-After until the oldest ages out', async () => {
    const s = throttle();
    await fail(s, 'a@x.com', '10.0.0.1', T0);
    await fail(s, 'a@x.com', '10.0.0.2', T0 + 10_000);
    await fail(s, 'a@x.com', '10.0.0.3', T0 + 20_000);

    const err = await refusal(s.begin('a@x.com', '10.0.0.4', T0 + 30_000));
    expect(err.code).toBe('rate_limited');
    expect(err.headers).toEqual({ 'Retry-After': '30' });
    expect(err.message).toBe('Too many failed sign-in attempts. Wait 30 seconds and try again, or reset your password.');

    // Refused attempts are not counted, so the window slides from the first failure.
    expect((await refusal(s.begin('a@x.com', '10.0.0.4', T0 + 59_500))).headers).toEqual({ 'Retry-After': '1' });
    await fail(s, 'a@x.com', '10.0.0.4', T0 + WINDOW_S * 1000);
    await refusal(s.begin('a@x.com', '10.0.0.4', T0 + WINDOW_S * 1000 + 1));
  });

  it('counts an attempt from its start, so a burst of parallel guesses gets LOGIN_MAX_FAILURES password checks', async () => {
    const s = throttle();
    const outcomes = await Promise.allSettled(Array.from({ length: MAX + 3 }, () => fail(s, 'a@x.com', '10.0.0.1', T0)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(MAX);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as ApiError).message).toMatch(/^Too many failed sign-in attempts/);
  });

  it('lets every one of many parallel right-password sign-ins through: they wait for the attempts in flight', async () => {
    const s = throttle();
    const outcomes = await Promise.allSettled(Array.from({ length: MAX * 4 }, async () => s.succeeded(await s.begin('a@x.com', '10.0.0.1', T0))));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  });

  it('lets the right password through while guesses are in flight, and counts only the guesses', async () => {
    const s = throttle();
    const guesses = await Promise.all(Array.from({ length: MAX - 1 }, (_, i) => s.begin('a@x.com', `10.0.0.${i}`, T0)));
    const right = s.begin('a@x.com', '10.0.0.9', T0 + 1);
    await Promise.all(guesses.map((g) => s.failed(g)));
    await s.succeeded(await right);
    // The success started the account afresh.
    for (let i = 0; i < MAX; i++) await fail(s, 'a@x.com', '10.0.1.1', T0 + 10 + i);
    await refusal(s.begin('a@x.com', '10.0.1.1', T0 + 20));
  });

  it('starts an account afresh on success, without holding the success against the address', async () => {
    const s = throttle();
    await fail(s, 'a@x.com', '10.0.0.1', T0);
    await fail(s, 'a@x.com', '10.0.0.1', T0 + 1);
    await s.succeeded(await s.begin('a@x.com', '10.0.0.1', T0 + 2));
    for (let i = 0; i < MAX; i++) await fail(s, 'a@x.com', '10.0.0.1', T0 + 3 + i);
    await refusal(s.begin('a@x.com', '10.0.0.1', T0 + 10));

    // The address saw 2 + 3 failures (the success is not one), so it has 4 x 3 - 5 = 7 left.
    for (let i = 0; i < 7; i++) await fail(s, `other${i}@x.com`, '10.0.0.1', T0 + 20 + i);
    await refusal(s.begin('fresh@x.com', '10.0.0.1', T0 + 30));
  });

  it('limits an address to four times the account limit across accounts', async () => {
    const s = throttle();
    for (let i = 0; i < 4 * MAX; i++) await fail(s, `user${i}@x.com`, '10.0.0.9', T0 + i);
    const err = await refusal(s.begin('another@x.com', '10.0.0.9', T0 + 100));
    expect(err.headers).toEqual({ 'Retry-After': String(WINDOW_S) });
    await fail(s, 'another@x.com', '10.0.0.10', T0 + 100);
  });

  it('does not count an abandoned attempt (an internal error) against anyone', async () => {
    const s = throttle();
    for (let i = 0; i < 10; i++) await s.abandoned(await s.begin('a@x.com', '10.0.0.1', T0 + i));
    for (let i = 0; i < MAX; i++) await fail(s, 'a@x.com', '10.0.0.1', T0 + 100 + i);
    await refusal(s.begin('a@x.com', '10.0.0.1', T0 + 200));
  });

  it('keeps accounts apart', async () => {
    const s = throttle();
    for (let i = 0; i < MAX; i++) await fail(s, 'a@x.com', `10.0.0.${i}`, T0 + i);
    await refusal(s.begin('a@x.com', '10.0.1.1', T0 + 10));
    await fail(s, 'b@x.com', '10.0.0.1', T0 + 10);
  });
});

describe('LoginThrottleService, counting in Redis (a real server)', () => {
  it('counts the failures of every instance together', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [0, 1].map(() => new LoginThrottleService(config, redisLog(redisClient(), prefix)));
    await fail(a, 'a@x.com', '10.0.0.1', T0);
    await fail(b, 'a@x.com', '10.0.0.2', T0 + 1);
    await fail(a, 'a@x.com', '10.0.0.3', T0 + 2);
    await refusal(b.begin('a@x.com', '10.0.0.4', T0 + 3));
    await refusal(a.begin('a@x.com', '10.0.0.5', T0 + 4));
  });

  it('keeps no email or client address in Redis, and lets its keys expire with the window', async () => {
    const redis = redisClient();
    const prefix = `test:${randomUUID()}:`;
    await new LoginThrottleService(config, redisLog(redis, prefix)).begin('someone@example.com', '10.1.2.3', Date.now());
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).not.toMatch(/someone|example|10\.1\.2\.3/);
      expect(await redis.pttl(key)).toBeGreaterThan(0);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(WINDOW_S * 1000);
    }
  });

  it('counts in this process while Redis is unreachable, says so when the outage begins and ends, and goes back to Redis', async () => {
    const proxy = await TcpProxy.inFrontOf(REDIS_URL);
    try {
      const redis = redisClient(proxy.urlFor(REDIS_URL));
      const outage = { began: jest.fn(), ended: jest.fn() };
      const s = new LoginThrottleService(config, new RedisFailureLog(redis, outage, `test:${randomUUID()}:`));
      await fail(s, 'a@x.com', '10.0.0.1', T0);

      await proxy.cut();
      for (let i = 0; i < MAX; i++) await fail(s, 'a@x.com', '10.0.0.1', T0 + 10 + i);
      await refusal(s.begin('a@x.com', '10.0.0.1', T0 + 20));
      expect(outage.began).toHaveBeenCalledTimes(1);
      expect(outage.ended).not.toHaveBeenCalled();

      await proxy.restore();
      await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
      // Redis still holds the one failure from before the outage: MAX - 1 more are allowed.
      for (let i = 0; i < MAX - 1; i++) await fail(s, 'a@x.com', '10.0.0.1', T0 + 30 + i);
      await refusal(s.begin('a@x.com', '10.0.0.1', T0 + 40));
      expect(outage.began).toHaveBeenCalledTimes(1);
      expect(outage.ended).toHaveBeenCalledTimes(1);
    } finally {
      await proxy.close();
    }
  });
});
