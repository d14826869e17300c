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
 * httpOnly cookie. In this process's memory, so every Next.js bundle (pages, actions, route
 * handlers) shares one map through globalThis; App Service keeps a browser on one instance
 * (ARR affinity on for web).
 */
export class SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  /** One refresh per session at a time: refresh tokens rotate, and a second use would revoke the family. */
  private readonly refreshing = new Map<string, Promise<StoredSession | undefined>>();

  constructor(private readonly idleMs: number) {}

  get(id: string, now = Date.now()): StoredSession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (now - session.lastSeenAt > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  set(id: string, session: StoredSession): void {
    this.sweep();
    this.sessions.set(id, session);
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Runs `refresh` once for concurrent callers of the same session; a failed refresh ends the session. */
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
