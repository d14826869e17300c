import { ServerEvent } from '@voice/contracts/media';

/**
 * One event from voice-api (a WebSocket text frame or a LiveKit data packet), checked against the
 * contract. One that is malformed, or of a kind this page does not know yet, is logged and
 * dropped rather than ending the call.
 */
export function parseServerEvent(text: string): ServerEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    console.warn('voice: dropped a server event that is not JSON');
    return null;
  }
  const event = ServerEvent.safeParse(json);
  if (event.success) return event.data;
  // The issues name the fields, not their values: transcript text stays out of the console.
  console.warn('voice: dropped a server event that does not match the contract', event.error.issues);
  return null;
}
