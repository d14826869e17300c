import type { Redis } from '@voice/server-kit';
import { closeRedisClient } from '@voice/server-kit';
import type { Clock } from '../common/clock';

/** A source whose webhooks fail signature validation this often within the window is refused for a while. */
export const SIGNATURE_FAILURES = { max: 5, windowMs: 10 * 60_000, blockMs: 15 * 60_000 } as const;

/**
 * The phone limits' counters: calls held per calling number (each until its expiry), and failed
 * signatures per source address. In this process, or in Redis (shared by every instance).
 */
export interface PhoneLimitStore {
  /** Holds a call for `number` until `until` (again: extends it); false when `max` others are held. */
  hold(number: string, callSid: string, until: number, max: number, now: number): Promise<boolean>;
  release(number: string, callSid: string): Promise<void>;
  /** Counts a failure; true when the source is now blocked. */
  failed(source: string, now: number): Promise<boolean>;
  blocked(source: string, now: number): Promise<boolean>;
  close?(): Promise<void>;
}

export class MemoryPhoneLimitStore implements PhoneLimitStore {
  private readonly calls = new Map<string, Map<string, number>>();
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly blocks = new Map<string, number>();

  async hold(number: string, callSid: string, until: number, max: number, now: number): Promise<boolean> {
    const held = this.calls.get(number) ?? new Map<string, number>();
    for (const [sid, expiry] of held) if (expiry <= now) held.delete(sid);
    if (!held.has(callSid) && held.size >= max) return false;
    held.set(callSid, until);
    this.calls.set(number, held);
    return true;
  }

  async release(number: string, callSid: string): Promise<void> {
    const held = this.calls.get(number);
    held?.delete(callSid);
    if (held?.size === 0) this.calls.delete(number);
  }

  async failed(source: string, now: number): Promise<boolean> {
    const current = this.failures.get(source);
    const window = current && now - current.since < SIGNATURE_FAILURES.windowMs ? current : { count: 0, since: now };
    window.count++;
    this.failures.set(source, window);
    if (window.count < SIGNATURE_FAILURES.max) return false;
    this.failures.delete(source);
    this.blocks.set(source, now + SIGNATURE_FAILURES.blockMs);
    return true;
  }

  async blocked(source: string, now: number): Promise<boolean> {
    const until = this.blocks.get(source);
    if (until !== undefined && until <= now) this.blocks.delete(source);
    return until !== undefined && until > now;
  }
}

/** Holds a call unless `max` others (unexpired) are held: KEYS[1] the number's sorted set; ARGV callSid, until, max, now. */
const HOLD = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
return 1`;

/** Counts a failure in a window and blocks at the limit: KEYS failures, block; ARGV max, windowMs, blockMs. */
const FAILED = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n < tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
return 1`;

export class RedisPhoneLimitStore implements PhoneLimitStore {
  constructor(private readonly redis: Redis) {}

  async hold(number: string, callSid: string, until: number, max: number, now: number): Promise<boolean> {
    return (await this.redis.eval(HOLD, 1, `voice:phone:calls:${number}`, callSid, until, max, now)) === 1;
  }

  async release(number: string, callSid: string): Promise<void> {
    await this.redis.zrem(`voice:phone:calls:${number}`, callSid);
  }

  async failed(source: string): Promise<boolean> {
    const { max, windowMs, blockMs } = SIGNATURE_FAILURES;
    return (await this.redis.eval(FAILED, 2, `voice:phone:sigfail:${source}`, `voice:phone:block:${source}`, max, windowMs, blockMs)) === 1;
  }

  async blocked(source: string): Promise<boolean> {
    return (await this.redis.exists(`voice:phone:block:${source}`)) === 1;
  }

  close(): Promise<void> {
    return closeRedisClient(this.redis);
  }
}

/**
 * The phone limits: at most PHONE_MAX_CALLS_PER_NUMBER calls at once from one calling number
 * (counting calls answered whose stream has not connected yet), and a source that fails signature
 * validation 5 times in 10 minutes refused for 15 minutes.
 */
export class PhoneLimits {
  constructor(
    private readonly clock: Clock,
    private readonly maxCallsPerNumber: number,
    private readonly store: PhoneLimitStore,
  ) {}

  hold(number: string, callSid: string, forMs: number): Promise<boolean> {
    const now = this.clock.now();
    return this.store.hold(number, callSid, now + forMs, this.maxCallsPerNumber, now);
  }

  release(number: string, callSid: string): Promise<void> {
    return this.store.release(number, callSid);
  }

  signatureFailed(source: string): Promise<boolean> {
    return this.store.failed(source, this.clock.now());
  }

  blocked(source: string): Promise<boolean> {
    return this.store.blocked(source, this.clock.now());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
