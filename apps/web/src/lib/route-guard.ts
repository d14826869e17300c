import { getSession, type Session } from './session';

const json = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/**
 * For route handlers that change state: refuses cross-site requests (the browser's Origin, or
 * Sec-Fetch-Site, must say this site) and requests without a session.
 */
export async function guardMutation(request: Request): Promise<Session | Response> {
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  const sameOrigin = origin ? new URL(origin).host === host : site === 'same-origin';
  if (!sameOrigin) return json(403, 'forbidden', 'Cross-site requests are not accepted.');
  const session = await getSession();
  if (!session) return json(401, 'unauthorized', 'Your session has ended. Sign in again.');
  return session;
}
