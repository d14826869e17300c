import type { CreateSessionResponse } from '@voice/contracts/voice';

/** This app's API refused to start a call (too many open, signed out…); the message is for the caller. */
export class SessionRefusedError extends Error {}

/** Starts a voice session through this app's API: the answer says how to connect to it. */
export async function createSession(): Promise<CreateSessionResponse> {
  const res = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = (await res.json().catch(() => ({}))) as CreateSessionResponse & { error?: { message: string } };
  if (!res.ok) throw new SessionRefusedError(body.error?.message ?? 'The call could not be started. Please try again.');
  return body;
}

/** Ends the session at voice-api. Best effort: for the caller the call is over either way. */
export function endSession(id: string): void {
  void fetch(`/api/sessions/${id}`, { method: 'DELETE' }).catch(() => undefined);
}
