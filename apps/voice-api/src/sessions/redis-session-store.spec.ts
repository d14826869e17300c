import { randomUUID } from 'node:crypto';
import { createRedisClient } from '@voice/server-kit';
import { ManualClock } from '../../test/manual-clock';
import { RedisSessionStore } from './redis-session-store';
import type { SessionEnded } from './session-store';
import { describeSessionStoreContract } from '../../test/session-store-contract';

/** CI's Redis (127.0.0.1:6379) unless TEST_REDIS_URL says otherwise; each store gets its own key prefix. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Generous: a busy test machine must not fail the contract by being slow. */
const client = () => createRedisClient(REDIS_URL, { commandTimeoutMs: 10_000 });

/** A store on a fresh prefix (`prefix` to share one), and a cleanup that deletes the prefix's keys. */
function redisStore(clock: ManualClock, prefix = `test:voice-sessions:${randomUUID()}:`) {
  const store = new RedisSessionStore(client(), clock, { prefix, duePollMs: 3_600_000 });
  const cleanup = async () => {
    const redis = client();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  };
  return { store, prefix, cleanup };
}

beforeAll(async () => {
  const redis = client();
  try {
    await redis.ping();
  } catch (err) {
    throw new Error(`These tests need a Redis at ${REDIS_URL} (set TEST_REDIS_URL to use another): ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
});

describeSessionStoreContract('RedisSessionStore', async () => {
  const clock = new ManualClock();
  const { store, cleanup } = redisStore(clock);
  return { store, clock, checkDue: () => store.pollDue(), cleanup };
});

describe('RedisSessionStore: two instances on one Redis', () => {
  const clock = new ManualClock();
  let a: ReturnType<typeof redisStore>;
  let b: RedisSessionStore;
  beforeEach(() => {
    a = redisStore(clock);
    b = redisStore(clock, a.prefix).store;
  });
  afterEach(async () => {
    await a.cleanup();
    await Promise.all([a.store.close(), b.close()]);
  });

  const event = (): SessionEnded => ({ sessionId: randomUUID(), conversationId: randomUUID(), userId: randomUUID(), transport: 'websocket', reason: 'user' });

  it('share sessions, tickets and the cap: what one stores, the other redeems and counts', async () => {
    const userId = randomUUID();
    const now = clock.now();
    const id = randomUUID();
    expect(await a.store.reserve(userId, id, 1, now, now + 60_000)).toEqual({ reserved: true });
    expect(await b.reserve(userId, randomUUID(), 1, now, now + 60_000)).toEqual({ reserved: false, freeAt: now + 60_000 });
    const session = {
      id,
      userId,
      conversationId: randomUUID(),
      agent: 'receptionist',
      transport: 'websocket' as const,
      status: 'active' as const,
      createdAt: now,
      expiresAt: now + 60_000,
      endedAt: null,
      connectedAt: null,
      owner: a.store.instanceId,
    };
    await a.store.add(session, now + 10_000);
    await a.store.putTicket('ticket-hash', { sessionId: id, userId }, now + 10_000);
    expect(await b.redeemTicket('ticket-hash', now)).toEqual({ sessionId: id, userId });
    expect(await b.connect(id, now + 1)).toBe(true);
    expect(await a.store.get(id)).toMatchObject({ connectedAt: now + 1, owner: b.instanceId });
    expect(b.instanceId).not.toBe(a.store.instanceId);
  });

  it("hear each other's ends, not their own", async () => {
    const heardByA: SessionEnded[] = [];
    const heardByB: SessionEnded[] = [];
    a.store.onEndedElsewhere((e) => heardByA.push(e));
    b.onEndedElsewhere((e) => heardByB.push(e));
    await Promise.all([a.store.ping(), b.ping()]);
    const first = event();
    // The subscription is made on connection: announce until it is in place.
    for (let i = 0; i < 200 && heardByB.length === 0; i++) {
      await a.store.announceEnded(first);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(heardByB[0]).toEqual(first);
    const second = event();
    await b.announceEnded(second);
    for (let i = 0; i < 200 && heardByA.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(heardByA).toEqual([second]);
    expect(heardByB.every((e) => e.sessionId === first.sessionId)).toBe(true);
  });
});

describe('RedisSessionStore while Redis is unreachable', () => {
  it('rejects instead of waiting, naming the problem', async () => {
    const store = new RedisSessionStore(createRedisClient('redis://127.0.0.1:1'), new ManualClock());
    try {
      await expect(store.ping()).rejects.toThrow(/ECONNREFUSED|Connection is closed|Reached the max retries/);
      await expect(store.reserve(randomUUID(), randomUUID(), 1, 0, 1)).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
