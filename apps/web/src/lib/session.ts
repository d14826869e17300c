import type { TokenResponse } from '@voice/contracts/persistence';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { randomBytes } from 'node:crypto';
import { callApi } from './api';
import { browserAddressHeaders } from './browser-address';
import { webConfig } from './config';
import Redis from 'ioredis';
import { RedisSessionStore } from './redis-session-store';
import { sessionCookieName, sessionCookieOptions } from './session-cookie';
import { fromTokens, MemorySessionStore, type SessionStore, type StoredSession } from './session-store';

/** Refresh the access token this long before it expires. */
const REFRESH_MARGIN_MS = 30_000;
const STORE_KEY = Symbol.for('voice.web.sessions');

/** One store per process, shared by every Next.js bundle (pages, actions, route handlers) through globalThis. */
function store(): SessionStore {
  const holder = globalThis as { [STORE_KEY]?: SessionStore };
  const { REDIS_URL, SESSION_IDLE_MINUTES } = webConfig();
  const idleMs = SESSION_IDLE_MINUTES * 60_000;
  return (holder[STORE_KEY] ??= REDIS_URL ? new RedisSessionStore(new Redis(REDIS_URL, { maxRetriesPerRequest: 2 }), idleMs) : new MemorySessionStore(idleMs));
}

export interface Session {
  id: string;
  user: StoredSession['user'];
  accessToken: string;
}

/** Starts a session for freshly issued tokens and sets its cookie (server actions and route handlers only). */
export async function startSession(tokens: TokenResponse): Promise<void> {
  const id = randomBytes(32).toString('base64url');
  await store().set(id, fromTokens(tokens));
  (await cookies()).set(sessionCookieName(), id, sessionCookieOptions());
}

/** The signed-in user with a usable access token, refreshed transparently; undefined when signed out. */
export async function getSession(): Promise<Session | undefined> {
  const id = (await cookies()).get(sessionCookieName())?.value;
  if (!id) return undefined;
  let stored = await store().get(id);
  if (stored && stored.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS) stored = await store().refresh(id, refreshTokens);
  return stored ? { id, user: stored.user, accessToken: stored.accessToken } : undefined;
}

/**
 * Changes what the session remembers about its user (after a profile change), so pages that greet
 * the user from the session say the new name without signing in again.
 */
export async function updateSessionUser(id: string, user: Partial<Pick<StoredSession['user'], 'displayName'>>): Promise<void> {
  const stored = await store().get(id);
  if (stored) await store().set(id, { ...stored, user: { ...stored.user, ...user } });
}

/** For pages and actions that need a user: otherwise to /login, and back to `returnTo` after it. */
export async function requireSession(returnTo: string): Promise<Session> {
  const session = await getSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** Signs out: revokes the refresh token at persistence-api, forgets the session, clears the cookie. */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  const id = jar.get(sessionCookieName())?.value;
  const stored = id ? await store().get(id) : undefined;
  if (id) await store().delete(id);
  jar.delete(sessionCookieName());
  if (!stored) return;
  const headers = await browserAddressHeaders();
  await callApi('persistence-api', '/v1/auth/logout', { method: 'POST', body: { refreshToken: stored.refreshToken }, headers }).catch(() => undefined);
}

async function refreshTokens(current: StoredSession): Promise<StoredSession | undefined> {
  const headers = await browserAddressHeaders();
  const res = await callApi<TokenResponse>('persistence-api', '/v1/auth/refresh', { method: 'POST', body: { refreshToken: current.refreshToken }, headers });
  return res.ok ? { ...fromTokens(res.data), lastSeenAt: Date.now() } : undefined;
}

const RETURN_BASE = 'http://return-path.invalid';

/**
 * Where to go after signing in: only a path of this site, else `fallback`. Browsers strip tabs and
 * newlines from URLs and read a backslash as a slash, so "/<tab>/evil.example" would become
 * "//evil.example", another site: control characters, backslashes and "//" anywhere are refused,
 * and what is left must still resolve to this origin.
 */
export function safeReturnPath(next: unknown, fallback = '/chat'): string {
  if (typeof next !== 'string' || next.length > 2000 || !next.startsWith('/')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\\]|\/\//.test(next)) return fallback;
  if (!URL.canParse(next, RETURN_BASE)) return fallback;
  const url = new URL(next, RETURN_BASE);
  return url.origin === RETURN_BASE ? next : fallback;
}
