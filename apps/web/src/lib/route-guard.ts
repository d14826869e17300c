import { getSession, type Session } from './session';

const json = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/**
 * Whether the request comes from this site: its Origin names this host, or (no Origin) the
 * browser's Sec-Fetch-Site says same-origin. An opaque origin (`Origin: null`, sent from sandboxed
 * frames, data: URLs and some redirects) or one that is not a URL is cross-site.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get('origin');
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (origin === null) return headers.get('sec-fetch-site') === 'same-origin';
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && !!host && url.host === host;
}

/**
 * For route handlers that change state: refuses cross-site requests (the browser's Origin, or
 * Sec-Fetch-Site, must say this site) and requests without a session.
 */
export async function guardMutation(request: Request): Promise<Session | Response> {
  if (!isSameOrigin(request.headers)) return json(403, 'forbidden', 'Cross-site requests are not accepted.');
  const session = await getSession();
  if (!session) return json(401, 'unauthorized', 'Your session has ended. Sign in again.');
  return session;
}
