import { CreateSessionRequest, type CreateSessionResponse } from '@voice/contracts/voice';
import { callApi, ServiceUnavailableError } from '@/lib/api';
import { guardMutation } from '@/lib/route-guard';

export const dynamic = 'force-dynamic';

const MESSAGES: Record<number, string> = {
  429: 'You already have the most calls open at once. End one (or wait a minute) and try again.',
  401: 'Your session has ended. Sign in again.',
};

/** Starts a voice session at voice-api for the signed-in user; the browser connects with what comes back. */
export async function POST(request: Request) {
  const session = await guardMutation(request);
  if (session instanceof Response) return session;
  const input = CreateSessionRequest.safeParse(await request.json().catch(() => ({})));
  if (!input.success) return Response.json({ error: { code: 'validation_failed', message: input.error.issues[0]?.message ?? 'bad request' } }, { status: 400 });
  try {
    const res = await callApi<CreateSessionResponse>('voice-api', '/v1/sessions', { method: 'POST', token: session.accessToken, body: input.data });
    if (res.ok) return Response.json(res.data, { status: 201, headers: { 'cache-control': 'no-store' } });
    return Response.json({ error: { ...res.error, message: MESSAGES[res.status] ?? res.error.message } }, { status: res.status });
  } catch (err) {
    if (!(err instanceof ServiceUnavailableError)) throw err;
    return Response.json(
      { error: { code: 'service_unavailable', message: 'The voice service cannot be reached right now. Please try again in a minute.' } },
      { status: 503 },
    );
  }
}
