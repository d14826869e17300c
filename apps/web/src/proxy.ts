import { NextResponse, type NextRequest } from 'next/server';
import { webConfig } from './lib/config';

const PROTECTED = /^\/(chat|history|profile)(\/|$)/;
const SESSION_COOKIES = ['__Host-voice_session', 'voice_session'];

/** The origins the chat page talks to besides its own: voice-api's WebSocket (ws/wss of VOICE_API_URL). */
function voiceOrigins(): string[] {
  const url = new URL(webConfig().VOICE_API_URL);
  const ws = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  return [url.origin, ws, ...(webConfig().LIVEKIT_URL ? [new URL(webConfig().LIVEKIT_URL as string).origin.replace(/^http/, 'ws')] : [])];
}

function contentSecurityPolicy(nonce: string): string {
  const dev = webConfig().NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${voiceOrigins().join(' ')}`,
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

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
  const csp = contentSecurityPolicy(nonce);
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
