import { createHash, randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { SessionStore, StoredSession } from './session-store';

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sessions in Redis (REDIS_URL), shared by every web instance: each key expires after the idle
 * limit and every use pushes the expiry back. Keys are hashes of the cookie value, so what Redis
 * holds cannot be replayed as a cookie. A refresh takes a short lock, so two instances never
 * present the same refresh token.
 */
export class RedisSessionStore implements SessionStore {
  private readonly local = new Map<string, Promise<StoredSession | undefined>>();

  constructor(
    private readonly redis: Redis,
    private readonly idleMs: number,
    private readonly lockMs = 10_000,
  ) {}

  private key(id: string) {
    return `web:session:${createHash('sha256').update(id).digest('base64url')}`;
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const raw = await this.redis.getex(this.key(id), 'PX', this.idleMs);
    return raw ? (JSON.parse(raw) as StoredSession) : undefined;
  }

  async set(id: string, session: StoredSession): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(session), 'PX', this.idleMs);
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  refresh(id: string, refresh: (s: StoredSession) => Promise<StoredSession | undefined>): Promise<StoredSession | undefined> {
    const running = this.local.get(id);
    if (running) return running;
    const done = this.refreshShared(id, refresh).finally(() => this.local.delete(id));
    this.local.set(id, done);
    return done;
  }

  private async refreshShared(id: string, refresh: (s: StoredSession) => Promise<StoredSession | undefined>) {
    const before = await this.get(id);
    if (!before) return undefined;
    const lock = `${this.key(id)}:refresh`;
    const owner = randomUUID();
    const deadline = Date.now() + this.lockMs;
    while ((await this.redis.set(lock, owner, 'PX', this.lockMs, 'NX')) !== 'OK') {
      // Another instance is refreshing: its result is what this request needs too.
      if (Date.now() > deadline) throw new Error('timed out waiting for another instance to refresh the session');
      await sleep(50);
      const now = await this.get(id);
      if (!now || now.refreshToken !== before.refreshToken) return now;
    }
    try {
      const current = await this.get(id);
      if (!current || current.refreshToken !== before.refreshToken) return current;
      const next = await refresh(current);
      if (next) await this.set(id, next);
      else await this.delete(id);
      return next;
    } finally {
      await this.redis.eval(RELEASE, 1, lock, owner);
    }
  }
}
