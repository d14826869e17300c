import { ServerEvent, type ErrorEvent } from '@voice/contracts/media';

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

/**
 * What the caller is told about an `error` event: never the protocol's own message (it is written
 * for developers, e.g. "Send {"type":"start"} before audio"). Errors in what this page sent
 * (a frame or message voice-api refused) are this page's business, not the caller's: they are
 * logged and not shown (null).
 */
export function callErrorMessage(event: ErrorEvent): string | null {
  switch (event.code) {
    case 'bad_frame':
    case 'bad_message':
      console.warn(`voice: voice-api refused what this page sent (${event.code})`);
      return null;
    case 'provider_error':
      return 'The assistant could not hear or answer that just now. Please say it again.';
    case 'session_ended':
      return 'The call has ended. Start a new call to go on.';
    case 'internal':
      return 'Something went wrong on our side. Please start a new call.';
    default:
      return 'Something went wrong with the call. Please try again.';
  }
}
