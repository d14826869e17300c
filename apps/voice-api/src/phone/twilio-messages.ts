import { z } from 'zod';

/*
 * The messages Twilio sends on a bidirectional media stream, as documented ("Media Streams -
 * WebSocket Messages"). Fields voice-api does not read are let through; a known event missing a
 * field it needs is malformed.
 */
const StreamSid = z.string().min(1).max(64);

export const ConnectedMessage = z.object({ event: z.literal('connected'), protocol: z.string().optional(), version: z.string().optional() });
export const StartMessage = z.object({
  event: z.literal('start'),
  streamSid: StreamSid,
  start: z.object({
    accountSid: z.string().min(1),
    callSid: z.string().min(1),
    streamSid: StreamSid,
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({ encoding: z.literal('audio/x-mulaw'), sampleRate: z.literal(8000), channels: z.literal(1) }),
  }),
});
export const MediaMessage = z.object({
  event: z.literal('media'),
  streamSid: StreamSid,
  media: z.object({ track: z.string().optional(), payload: z.base64().max(16_000) }),
});
export const DtmfMessage = z.object({ event: z.literal('dtmf'), streamSid: StreamSid, dtmf: z.object({ digit: z.string().regex(/^[0-9*#A-D]$/) }) });
export const MarkMessage = z.object({ event: z.literal('mark'), streamSid: StreamSid, mark: z.object({ name: z.string().min(1).max(256) }) });
export const StopMessage = z.object({ event: z.literal('stop'), streamSid: StreamSid });

export const TwilioMessage = z.discriminatedUnion('event', [ConnectedMessage, StartMessage, MediaMessage, DtmfMessage, MarkMessage, StopMessage]);
export type TwilioMessage = z.infer<typeof TwilioMessage>;
export type StartMessage = z.infer<typeof StartMessage>;

const KNOWN = new Set(['connected', 'start', 'media', 'dtmf', 'mark', 'stop']);

export type Inbound = { kind: 'message'; message: TwilioMessage } | { kind: 'unknown'; event: string } | { kind: 'malformed'; problem: string };

/** Reads one text frame from Twilio; an event this version does not know is passed over, not an error. */
export function readTwilioMessage(data: Buffer, isBinary: boolean): Inbound {
  if (isBinary) return { kind: 'malformed', problem: `a binary frame of ${data.length} bytes (Twilio sends JSON text frames)` };
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return { kind: 'malformed', problem: 'a text frame that is not JSON' };
  }
  const event = (json as { event?: unknown } | null)?.event;
  if (typeof event !== 'string') return { kind: 'malformed', problem: 'a message without an "event" name' };
  if (!KNOWN.has(event)) return { kind: 'unknown', event: event.slice(0, 40) };
  const parsed = TwilioMessage.safeParse(json);
  if (parsed.success) return { kind: 'message', message: parsed.data };
  const issue = parsed.error.issues[0];
  return { kind: 'malformed', problem: `a "${event}" message with ${issue.path.join('.') || 'the message'}: ${issue.message}` };
}
