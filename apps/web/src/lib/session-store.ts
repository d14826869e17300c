import type { TokenResponse, UserSummary } from '@voice/contracts/persistence';

export interface StoredSession {
  user: UserSummary;
  accessToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
  refreshToken: string;
  lastSeenAt: number;
}

export const fromTokens = (tokens: TokenResponse, now = Date.now()): StoredSession => ({
  user: tokens.user,
  accessToken: tokens.accessToken,
  accessExpiresAt: now + tokens.expiresIn * 1000,
  refreshToken: tokens.refreshToken,
  lastSeenAt: now,
});

/**
 * Signed-in browser sessions, kept on the server: the browser holds only a random id in an
 * httpOnly cookie.
 */
export interface SessionStore {
  /** The session, if it exists and has been used within the idle limit (this use counts). */
  get(id: string): Promise<StoredSession | undefined>;
  set(id: string, session: StoredSession): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Runs `refresh` once for concurrent callers of the same session, and stores its result; a
   * refused refresh (undefined) ends the session, a failed one (rejection) leaves it as it was.
   * Refresh tokens rotate, and presenting a spent one revokes the whole family.
   */
  refresh(id: string, refresh: (s: StoredSession) => Promise<StoredSession | undefined>): Promise<StoredSession | undefined>;
}

/** Sessions in this process's memory: one web instance (or ARR affinity) and no restarts. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  private readonly refreshing = new Map<string, Promise<StoredSession | undefined>>();

  constructor(private readonly idleMs: number) {}

  async get(id: string, now = Date.now()): Promise<StoredSession | undefined> {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (now - session.lastSeenAt > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  async set(id: string, session: StoredSession): Promise<void> {
    this.sweep();
    this.sessions.set(id, session);
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  refresh(id: string, refresh: (s: StoredSession) => Promise<StoredSession | undefined>): Promise<StoredSession | undefined> {
    const running = this.refreshing.get(id);
    if (running) return running;
    const current = this.sessions.get(id);
    if (!current) return Promise.resolve(undefined);
    const done = refresh(current)
      .then((next) => {
        if (next) this.sessions.set(id, next);
        else this.sessions.delete(id);
        return next;
      })
      .finally(() => this.refreshing.delete(id));
    this.refreshing.set(id, done);
    return done;
  }

  private sweep(now = Date.now()) {
    for (const [id, s] of this.sessions) if (now - s.lastSeenAt > this.idleMs) this.sessions.delete(id);
  }
}
