import { NextResponse, type NextRequest } from 'next/server';
import { webConfig } from './lib/config';
import { contentSecurityPolicy } from './lib/csp';

const PROTECTED = /^\/(chat|history|profile)(\/|$)/;
const SESSION_COOKIES = ['__Host-voice_session', 'voice_session'];

/**
 * Every page gets a per-request CSP nonce (Next puts it on its own scripts), and signed-out visits
 * to a page that needs a session go to /login first. Pages check the session again on the server:
 * this is the fast path, not the guard.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PROTECTED.test(pathname) && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const login = new URL('/login', request.url);
    login.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const { NODE_ENV, VOICE_API_URL, LIVEKIT_URL } = webConfig();
  const csp = contentSecurityPolicy({ nonce, dev: NODE_ENV === 'development', voiceApiUrl: VOICE_API_URL, livekitUrl: LIVEKIT_URL });
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|worklets/|api/health).*)' }],
};
