import { CROSS_SITE_MESSAGE, isSameOrigin } from './same-origin';
import { getSession, type Session } from './session';

export { isSameOrigin };

const json = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/**
 * For route handlers that change state: refuses cross-site requests (the browser's Origin, or
 * Sec-Fetch-Site, must say this site) and requests without a session.
 */
export async function guardMutation(request: Request): Promise<Session | Response> {
  if (!isSameOrigin(request.headers)) return json(403, 'forbidden', CROSS_SITE_MESSAGE);
  const session = await getSession();
  if (!session) return json(401, 'unauthorized', 'Your session has ended. Sign in again.');
  return session;
}
