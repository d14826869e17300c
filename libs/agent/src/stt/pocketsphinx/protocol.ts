import { int16ToBytes } from '../../audio/pcm16';
import { z } from 'zod';

/** The warm decoder's stdin frames and stdout events; see libs/agent/native/pocketsphinx-warm.c. */
type FrameType = 'B' | 'A' | 'E' | 'X' | 'H';

function frame(type: FrameType, payload?: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + (payload?.length ?? 0));
  out[0] = type.charCodeAt(0);
  out.writeUInt32LE(payload?.length ?? 0, 1);
  if (payload) out.set(payload, 5);
  return out;
}

export function beginFrame(id: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32LE(id);
  return frame('B', payload);
}

/** The decoder refuses payloads over 1 MiB; longer audio goes in several frames. */
const MAX_SAMPLES_PER_FRAME = 256 * 1024;

/** PCM16 as little-endian bytes, whatever the host's byte order (one or more frames, one buffer). */
export function audioFrame(pcm: Int16Array): Buffer {
  const frames: Buffer[] = [];
  for (let start = 0; start < pcm.length; start += MAX_SAMPLES_PER_FRAME) {
    const part = pcm.subarray(start, start + MAX_SAMPLES_PER_FRAME);
    frames.push(frame('A', int16ToBytes(part)));
  }
  return frames.length === 1 ? frames[0] : Buffer.concat(frames);
}

export const endFrame = (): Buffer => frame('E');
export const abortFrame = (): Buffer => frame('X');
export const hypothesisFrame = (): Buffer => frame('H');

const decoderEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number() }),
  z.object({ type: z.literal('interim'), id: z.number(), text: z.string() }),
  z.object({ type: z.literal('hypothesis'), id: z.number(), text: z.string() }),
  z.object({ type: z.literal('final'), id: z.number(), text: z.string(), score: z.number(), frames: z.number(), fromPartial: z.boolean().optional() }),
  z.object({ type: z.literal('log'), level: z.enum(['error', 'fatal']), message: z.string() }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);

export type DecoderEvent = z.infer<typeof decoderEvent>;

/** One stdout line as an event; undefined for anything else (so a stray line cannot derail a call). */
export function parseDecoderEvent(line: string): DecoderEvent | undefined {
  try {
    const parsed = decoderEvent.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
