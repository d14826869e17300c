import { IdParams } from '@voice/contracts/persistence';
import { callApi, ServiceUnavailableError } from '@/lib/api';
import { guardMutation } from '@/lib/route-guard';

export const dynamic = 'force-dynamic';

/** Ends the user's voice session (hang-up). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await guardMutation(request);
  if (session instanceof Response) return session;
  const parsed = IdParams.safeParse(await params);
  if (!parsed.success) return Response.json({ error: { code: 'validation_failed', message: 'The session id must be a UUID.' } }, { status: 400 });
  try {
    const res = await callApi('voice-api', `/v1/sessions/${parsed.data.id}`, { method: 'DELETE', token: session.accessToken });
    return res.ok ? new Response(null, { status: 204 }) : Response.json({ error: res.error }, { status: res.status });
  } catch (err) {
    if (!(err instanceof ServiceUnavailableError)) throw err;
    return Response.json({ error: { code: 'service_unavailable', message: 'The voice service cannot be reached right now.' } }, { status: 503 });
  }
}
