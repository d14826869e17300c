import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisSessionStore } from './redis-session-store';
import { fromTokens, type StoredSession } from './session-store';
import { testTokens as tokens } from './test-tokens';

/** A real Redis: CI's (127.0.0.1:6379) unless TEST_REDIS_URL says otherwise. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisSessionStore (against a real Redis)', () => {
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    const probe = client();
    await probe.connect().catch((err: Error) => {
      throw new Error(`these tests need Redis at ${REDIS_URL} (set TEST_REDIS_URL, or start redis-server): ${err.message}`);
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  });

  it('keeps a session under a hash of its id, ends it after the idle limit, and each use pushes that back', async () => {
    const redis = client();
    await redis.connect();
    const store = new RedisSessionStore(redis, 400);
    const id = randomUUID();
    await store.set(id, fromTokens(tokens(1)));
    expect(await redis.keys(`*${id}*`)).toEqual([]);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 250));
      expect((await store.get(id))?.accessToken).toBe('access-1');
    }
    await new Promise((r) => setTimeout(r, 600));
    expect(await store.get(id)).toBeUndefined();
  });

  it('lets two web instances refresh one session at the same moment with one use of the refresh token', async () => {
    const [a, b] = [client(), client()];
    await Promise.all([a.connect(), b.connect()]);
    const instanceA = new RedisSessionStore(a, 60_000);
    const instanceB = new RedisSessionStore(b, 60_000);
    const id = randomUUID();
    await instanceA.set(id, fromTokens(tokens(1)));
    const presented: string[] = [];
    const refresh = async (s: StoredSession) => {
      presented.push(s.refreshToken);
      await new Promise((r) => setTimeout(r, 100));
      return fromTokens(tokens(2));
    };
    const results = await Promise.all([
      instanceA.refresh(id, refresh),
      instanceB.refresh(id, refresh),
      instanceA.refresh(id, refresh),
      instanceB.refresh(id, refresh),
    ]);
    expect(presented).toEqual(['refresh-1']);
    expect(results.map((r) => r?.accessToken)).toEqual(['access-2', 'access-2', 'access-2', 'access-2']);
    expect((await instanceB.get(id))?.refreshToken).toBe('refresh-2');
  });

  it('ends the session when the refresh is refused, and keeps it when the refresh fails', async () => {
    const redis = client();
    await redis.connect();
    const store = new RedisSessionStore(redis, 60_000);
    const [refused, failed] = [randomUUID(), randomUUID()];
    await store.set(refused, fromTokens(tokens(1)));
    await store.set(failed, fromTokens(tokens(1)));
    expect(await store.refresh(refused, async () => undefined)).toBeUndefined();
    expect(await store.get(refused)).toBeUndefined();
    await expect(store.refresh(failed, async () => Promise.reject(new Error('unreachable')))).rejects.toThrow('unreachable');
    expect((await store.get(failed))?.refreshToken).toBe('refresh-1');
    // The lock went with the failure: the next refresh runs.
    expect((await store.refresh(failed, async () => fromTokens(tokens(3))))?.refreshToken).toBe('refresh-3');
  });
});
