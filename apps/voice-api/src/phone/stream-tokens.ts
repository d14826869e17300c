import { createHash, randomBytes } from 'node:crypto';
import { closeRedisClient, type Redis } from '@voice/server-kit';
import type { Clock } from '../common/clock';

/** What a stream token admits: one Twilio call, from one number to another. */
export interface StreamGrant {
  callSid: string;
  from: string;
  to: string;
}

/** Where stream tokens wait to be redeemed, by hash only. */
export interface StreamTokenStore {
  put(hash: string, grant: StreamGrant, expiresAt: number): Promise<void>;
  /** The grant and its expiry, once (deleted as it is read); null when unknown or already taken. */
  take(hash: string): Promise<(StreamGrant & { expiresAt: number }) | null>;
  close?(): Promise<void>;
}

export class MemoryStreamTokenStore implements StreamTokenStore {
  private readonly tokens = new Map<string, StreamGrant & { expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async put(hash: string, grant: StreamGrant, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    for (const [h, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(h);
    this.tokens.set(hash, { ...grant, expiresAt });
  }

  async take(hash: string) {
    const token = this.tokens.get(hash);
    this.tokens.delete(hash);
    return token ?? null;
  }
}

/** In Redis, so the instance Twilio's WebSocket reaches need not be the one that answered the webhook. */
export class RedisStreamTokenStore implements StreamTokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async put(hash: string, grant: StreamGrant, expiresAt: number): Promise<void> {
    const ttl = Math.max(1, expiresAt - this.clock.now());
    await this.redis.set(`voice:phone-token:${hash}`, JSON.stringify({ ...grant, expiresAt }), 'PX', ttl);
  }

  async take(hash: string) {
    const value = await this.redis.getdel(`voice:phone-token:${hash}`);
    return value === null ? null : (JSON.parse(value) as StreamGrant & { expiresAt: number });
  }

  close(): Promise<void> {
    return closeRedisClient(this.redis);
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Single-use tokens for Twilio's media stream: 32 random bytes (base64url), valid for a few seconds,
 * bound to one call. The TwiML hands one to Twilio as a <Parameter>, and it comes back in the
 * stream's `start` message (Twilio drops a <Stream> URL's query string).
 */
export class StreamTokens {
  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly store: StreamTokenStore,
  ) {}

  async issue(grant: StreamGrant): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.store.put(digest(token), grant, this.clock.now() + this.ttlSeconds * 1000);
    return token;
  }

  /** The call the token was issued for, once: null when it is unknown, expired or already used. */
  async redeem(token: string): Promise<StreamGrant | null> {
    const found = await this.store.take(digest(token));
    if (!found || this.clock.now() >= found.expiresAt) return null;
    const { callSid, from, to } = found;
    return { callSid, from, to };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
