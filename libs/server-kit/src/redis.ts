import Redis from 'ioredis';

export type { Redis };

/**
 * A Redis client (REDIS_URL) that fails fast while Redis is unreachable: each command gives up after
 * one reconnection attempt or `commandTimeoutMs` (half a second unless told), so callers can fall back
 * or answer 503 instead of hanging. Connection errors are left to the callers' own handling (no
 * unhandled 'error' events).
 */
export function createRedisClient(url: string, { commandTimeoutMs = 500 } = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: commandTimeoutMs });
  redis.on('error', () => undefined);
  return redis;
}

/** Closes a client politely, or at once when Redis cannot be reached. */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') return redis.disconnect();
  await redis.quit().catch(() => redis.disconnect());
}
