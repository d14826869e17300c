/** What the page's Content-Security-Policy depends on. */
export interface CspInput {
  nonce: string;
  /** Development: React's debugging needs eval. */
  dev: boolean;
  /** voice-api's base URL: the browser opens its WebSocket (ws/wss of the same host). */
  voiceApiUrl: string;
  /** The LiveKit server, when voice-api uses it: its signalling WebSocket and its HTTPS endpoints. */
  livekitUrl?: string;
}

const wsOrigin = (url: URL) => `${url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:'}//${url.host}`;
const httpOrigin = (url: URL) => `${url.protocol === 'https:' || url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;

/**
 * The origins the page connects to besides its own. voice-api only by WebSocket: calls start
 * through this app's /api/sessions, so the browser never fetches voice-api over HTTP. LiveKit by
 * WebSocket (signalling) and HTTP(S) (livekit-client validates a failed connection and fetches
 * region settings over https).
 */
export function connectOrigins({ voiceApiUrl, livekitUrl }: Pick<CspInput, 'voiceApiUrl' | 'livekitUrl'>): string[] {
  const origins = [wsOrigin(new URL(voiceApiUrl))];
  if (livekitUrl) {
    const livekit = new URL(livekitUrl);
    origins.push(wsOrigin(livekit), httpOrigin(livekit));
  }
  return [...new Set(origins)];
}

/**
 * The policy: scripts only with this request's nonce (and what they load), styles, images, media
 * and the audio worklets from this origin, connections to this origin and `connectOrigins`,
 * nothing framing the page. No blob: or data: sources: the app makes no object URLs (LiveKit plays
 * its tracks through srcObject) and inlines no images.
 */
export function contentSecurityPolicy(input: CspInput): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${input.nonce}' 'strict-dynamic'${input.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src 'self' ${connectOrigins(input).join(' ')}`,
    "media-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
