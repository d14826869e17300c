import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { type FailureEntry, type FailureLimit, type FailureLog, MemoryFailureLog } from './failure-log';

/**
 * FailureLog.record in one atomic script. KEYS: the keys. ARGV: now, window (ms), the entry's id, then
 * each key's limit. A key is a sorted set of entry ids scored by time; it expires with the window.
 */
const RECORD = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
    return redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return false
`;

type WithRecord = Redis & { recordLoginFailure(...args: (string | number)[]): Promise<string | null> };

/**
 * Failed sign-ins counted in Redis (REDIS_URL), so every instance behind the load balancer sees the
 * same counts. Keys are hashes of the account or address, so Redis holds no email addresses.
 *
 * While Redis cannot be reached, attempts are counted in this process instead (`outage` is told once
 * when it starts and once when it ends): sign-in keeps working and is still throttled, per instance,
 * until Redis is back.
 * The log owns the client and closes it when the app shuts down.
 */
export class RedisFailureLog implements FailureLog {
  private readonly redis: WithRecord;
  private readonly fallback = new MemoryFailureLog();
  private down = false;

  constructor(
    redis: Redis,
    private readonly outage: { began(err: Error): void; ended(): void },
    private readonly prefix = 'persistence-api:login-failures:',
  ) {
    redis.defineCommand('recordLoginFailure', { lua: RECORD });
    this.redis = redis as WithRecord;
  }

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(key: string) {
    return this.prefix + createHash('sha256').update(key).digest('base64url');
  }

  private async attempt<T>(viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> {
    // Once an outage is known, wait for the client to reconnect rather than for each command to time out.
    if (this.down && this.redis.status !== 'ready') return viaMemory();
    try {
      const result = await viaRedis();
      if (this.down) this.outage.ended();
      this.down = false;
      return result;
    } catch (err) {
      if (!this.down) this.outage.began(err as Error);
      this.down = true;
      return viaMemory();
    }
  }

  record(limits: readonly FailureLimit[], entry: FailureEntry, windowMs: number): Promise<number | null> {
    return this.attempt(
      async () => {
        const keys = limits.map(([key]) => this.key(key));
        const oldest = await this.redis.recordLoginFailure(keys.length, ...keys, entry.at, windowMs, entry.id, ...limits.map(([, limit]) => limit));
        return oldest === null ? null : Number(oldest);
      },
      () => this.fallback.record(limits, entry, windowMs),
    );
  }

  // Taking back goes to both: the entry may have been counted here during an outage.
  async remove(key: string, entry: FailureEntry): Promise<void> {
    await this.fallback.remove(key, entry);
    await this.attempt(
      async () => void (await this.redis.zrem(this.key(key), entry.id)),
      async () => undefined,
    );
  }

  async clear(key: string): Promise<void> {
    await this.fallback.clear(key);
    await this.attempt(
      async () => void (await this.redis.del(this.key(key))),
      async () => undefined,
    );
  }
}
