import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { type FailureEntry, type FailureLimit, type FailureLog, IN_FLIGHT_MAX_MS, MemoryFailureLog, type RecordResult } from './failure-log';

/**
 * FailureLog.record in one atomic script. KEYS: per key, its failures then its attempts in flight (sorted
 * sets of entry ids scored by time). ARGV: now, window (ms), in-flight limit (ms), the entry's id, then
 * each key's limit. Answers false (recorded), 'busy', or the time of the oldest failure (locked).
 */
const RECORD = `
local now, window, inflight = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local busy = false
for i = 1, #KEYS, 2 do
  local failed, pending = KEYS[i], KEYS[i + 1]
  redis.call('ZREMRANGEBYSCORE', failed, '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', pending, '-inf', now - inflight)
  local limit, failures = tonumber(ARGV[4 + (i + 1) / 2]), redis.call('ZCARD', failed)
  if failures >= limit then
    return redis.call('ZRANGE', failed, 0, 0, 'WITHSCORES')[2]
  end
  if failures + redis.call('ZCARD', pending) >= limit then busy = true end
end
if busy then return 'busy' end
for i = 2, #KEYS, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], inflight)
end
return false
`;

/** FailureLog.fail: KEYS as for RECORD; ARGV: the entry's time, its id, the window (ms). */
const FAIL = `
for i = 1, #KEYS, 2 do
  redis.call('ZREM', KEYS[i + 1], ARGV[2])
  redis.call('ZADD', KEYS[i], tonumber(ARGV[1]), ARGV[2])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3]))
end
`;

type WithScripts = Redis & {
  recordLoginAttempt(...args: (string | number)[]): Promise<string | null>;
  failLoginAttempt(...args: (string | number)[]): Promise<null>;
};

/**
 * Sign-in attempts counted in Redis (REDIS_URL), so every instance behind the load balancer sees the
 * same counts. Keys are hashes of the account or address, so Redis holds no email addresses.
 *
 * While Redis cannot be reached, attempts are counted in this process instead (`outage` is told once
 * when it starts and once when it ends): sign-in keeps working and is still throttled, per instance,
 * until Redis is back.
 * The log owns the client and closes it when the app shuts down.
 */
export class RedisFailureLog implements FailureLog {
  private readonly redis: WithScripts;
  private readonly fallback = new MemoryFailureLog();
  private down = false;

  constructor(
    redis: Redis,
    private readonly outage: { began(err: Error): void; ended(): void },
    private readonly prefix = 'persistence-api:login-failures:',
  ) {
    redis.defineCommand('recordLoginAttempt', { lua: RECORD });
    redis.defineCommand('failLoginAttempt', { lua: FAIL });
    this.redis = redis as WithScripts;
  }

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** The failures key and the in-flight key of one account or address. */
  private keys(key: string): [string, string] {
    const hashed = this.prefix + createHash('sha256').update(key).digest('base64url');
    return [hashed, `${hashed}:in-flight`];
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

  record(limits: readonly FailureLimit[], entry: FailureEntry, windowMs: number): Promise<RecordResult> {
    return this.attempt(
      async (): Promise<RecordResult> => {
        const keys = limits.flatMap(([key]) => this.keys(key));
        const answer = await this.redis.recordLoginAttempt(
          keys.length,
          ...keys,
          entry.at,
          windowMs,
          IN_FLIGHT_MAX_MS,
          entry.id,
          ...limits.map(([, limit]) => limit),
        );
        if (answer === null) return { kind: 'recorded' };
        return answer === 'busy' ? { kind: 'busy' } : { kind: 'locked', oldest: Number(answer) };
      },
      () => this.fallback.record(limits, entry, windowMs),
    );
  }

  // Judging and taking back go to both: the entry may have been recorded here during an outage.
  async fail(keys: readonly string[], entry: FailureEntry, windowMs: number): Promise<void> {
    await this.fallback.fail(keys, entry);
    await this.attempt(
      async () => void (await this.redis.failLoginAttempt(keys.length * 2, ...keys.flatMap((k) => this.keys(k)), entry.at, entry.id, windowMs)),
      async () => undefined,
    );
  }

  async remove(key: string, entry: FailureEntry): Promise<void> {
    await this.fallback.remove(key, entry);
    await this.attempt(
      async () => void (await this.redis.zrem(this.keys(key)[1], entry.id)),
      async () => undefined,
    );
  }

  async clear(key: string): Promise<void> {
    await this.fallback.clear(key);
    await this.attempt(
      async () => void (await this.redis.del(this.keys(key)[0])),
      async () => undefined,
    );
  }
}
