import { webConfig } from './config';

/** Both names the session cookie can have (the proxy checks for either). */
export const SESSION_COOKIE_NAMES = ['__Host-voice_session', 'voice_session'] as const;

/** `__Host-` pins a Secure cookie to this origin (no Domain, path /); plain HTTP (local dev) can't use the prefix. */
export const sessionCookieName = (): string => (webConfig().SESSION_COOKIE_SECURE ? SESSION_COOKIE_NAMES[0] : SESSION_COOKIE_NAMES[1]);

/**
 * The session cookie's attributes. It lives as long as the server keeps an unused session
 * (SESSION_IDLE_MINUTES), and like the server's idle timer its expiry starts again whenever the
 * session is used: set at sign-in, and set again by the proxy on every page the browser loads.
 */
export function sessionCookieOptions() {
  const { SESSION_COOKIE_SECURE, SESSION_IDLE_MINUTES } = webConfig();
  return { httpOnly: true, sameSite: 'lax', secure: SESSION_COOKIE_SECURE, path: '/', maxAge: SESSION_IDLE_MINUTES * 60 } as const;
}
