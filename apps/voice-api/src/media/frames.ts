import { bytesToInt16 } from '@voice/agent/audio';
import { ClientMessage, MEDIA_FRAME_BYTES, type ErrorEvent } from '@voice/contracts/media';

export type Inbound = { kind: 'audio'; frame: Int16Array } | { kind: 'message'; message: ClientMessage } | { kind: 'invalid'; error: ErrorEvent };

const invalid = (code: ErrorEvent['code'], message: string): Inbound => ({ kind: 'invalid', error: { type: 'error', code, message } });

/** Reads one WebSocket frame against the media protocol; anything malformed becomes an `error` event, not a closed call. */
export function readFrame(data: Buffer, isBinary: boolean): Inbound {
  if (isBinary) {
    if (data.length !== MEDIA_FRAME_BYTES) {
      return invalid('bad_frame', `Audio frames must be ${MEDIA_FRAME_BYTES} bytes (20 ms of 16 kHz mono PCM16); got ${data.length}. The frame was dropped.`);
    }
    // A copy: socket buffers are views into a pool that is reused.
    return { kind: 'audio', frame: bytesToInt16(data).slice() };
  }
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return invalid('bad_message', 'Text frames must be JSON objects such as {"type":"start"}.');
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return invalid('bad_message', `Invalid message, ${where}${issue.message}. Expected one of start, stop, text, playback.`);
  }
  return { kind: 'message', message: parsed.data };
}
