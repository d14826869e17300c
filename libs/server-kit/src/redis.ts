import Redis from 'ioredis';

export type { Redis };

/**
 * A Redis client (REDIS_URL) that fails fast while Redis is unreachable: each command gives up after
 * one reconnection attempt or half a second, so callers can fall back or answer 503 instead of
 * hanging. Connection errors are left to the callers' own handling (no unhandled 'error' events).
 */
export function createRedisClient(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500 });
  redis.on('error', () => undefined);
  return redis;
}

/** Closes a client politely, or at once when Redis cannot be reached. */
export async function closeRedisClient(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
