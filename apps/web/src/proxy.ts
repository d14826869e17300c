import { NextResponse, type NextRequest } from 'next/server';
import { webConfig } from './lib/config';
import { contentSecurityPolicy } from './lib/csp';
import { CROSS_SITE_MESSAGE, isCrossSiteMutation } from './lib/same-origin';
import { SESSION_COOKIE_NAMES, sessionCookieName, sessionCookieOptions } from './lib/session-cookie';

const PROTECTED = /^\/(chat|history|profile)(\/|$)/;
/** Two years, and for subdomains: the app is served over HTTPS only in production. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Every page gets a per-request CSP nonce (Next puts it on its own scripts), and signed-out visits
 * to a page that needs a session go to /login first. Pages check the session again on the server:
 * this is the fast path, not the guard.
 *
 * A GET that carries the session cookie sets it again, so its expiry slides with the server
 * session's idle timer (which every use restarts). Only GETs: server actions (POST) may set or
 * delete the cookie themselves (sign-in, sign-out), and a second Set-Cookie here could undo that.
 *
 * A state-changing request whose Origin is another site is refused here with 403: Next refuses a
 * cross-site server action itself, but by throwing, which answers 500. In production every answer
 * carries HSTS, so browsers keep to HTTPS.
 */
export function proxy(request: NextRequest) {
  const { NODE_ENV, VOICE_API_URL, LIVEKIT_URL } = webConfig();
  const production = NODE_ENV === 'production';
  if (isCrossSiteMutation(request.method, request.headers)) {
    const refused = NextResponse.json({ error: { code: 'forbidden', message: CROSS_SITE_MESSAGE } }, { status: 403 });
    if (production) refused.headers.set('strict-transport-security', HSTS);
    return refused;
  }
  const { pathname, search } = request.nextUrl;
  if (PROTECTED.test(pathname) && !SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name))) {
    const login = new URL('/login', request.url);
    login.searchParams.set('next', `${pathname}${search}`);
    const redirect = NextResponse.redirect(login);
    if (production) redirect.headers.set('strict-transport-security', HSTS);
    return redirect;
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const csp = contentSecurityPolicy({ nonce, dev: NODE_ENV === 'development', voiceApiUrl: VOICE_API_URL, livekitUrl: LIVEKIT_URL });
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  if (production) response.headers.set('strict-transport-security', HSTS);
  const cookie = sessionCookieName();
  const session = request.method === 'GET' ? request.cookies.get(cookie)?.value : undefined;
  if (session) response.cookies.set(cookie, session, sessionCookieOptions());
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|worklets/|api/health).*)' }],
};
