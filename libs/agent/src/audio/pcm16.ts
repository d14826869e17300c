import { endianness } from 'node:os';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** PCM16's wire form, little-endian bytes, both ways: whole buffers, and byte streams that may split a sample. */

/**
 * Little-endian PCM16 bytes as samples. Shares memory with `buf` when its offset is 2-byte aligned;
 * copies otherwise (Buffers sliced out of socket reads often start at odd offsets).
 */
export function bytesToInt16(buf: Uint8Array): Int16Array {
  if (buf.byteLength % 2 !== 0) {
    throw new RangeError(`bytesToInt16: PCM16 needs an even number of bytes, got ${buf.byteLength}`);
  }
  const count = buf.byteLength / 2;
  if (LITTLE_ENDIAN_HOST && buf.byteOffset % 2 === 0) return new Int16Array(buf.buffer, buf.byteOffset, count);
  const out = new Int16Array(count);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Samples as little-endian bytes, sharing memory with `pcm` (no copy on little-endian hosts). */
export function int16ToBytes(pcm: Int16Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const out = Buffer.allocUnsafe(pcm.byteLength);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i], i * 2);
  return out;
}

/**
 * Turns a byte stream of little-endian PCM16 into Int16Array chunks. Network chunks can end
 * half-way through a sample; that odd byte is carried over and joined to the next chunk.
 */
export class Pcm16Decoder {
  private carry: number | undefined;

  /** Decodes as many whole samples as `bytes` (plus any carried byte) holds; may be empty. */
  push(bytes: Uint8Array): Int16Array {
    const total = bytes.length + (this.carry === undefined ? 0 : 1);
    const samples = new Int16Array(total >> 1);
    let read = 0;
    let i = 0;
    if (this.carry !== undefined && samples.length > 0) {
      samples[i++] = toInt16(this.carry | (bytes[0] << 8));
      read = 1;
      this.carry = undefined;
    }
    for (; i < samples.length; i++, read += 2) samples[i] = toInt16(bytes[read] | (bytes[read + 1] << 8));
    if (read < bytes.length) this.carry = bytes[read];
    return samples;
  }

  /** True when a byte is still waiting for its pair (a stream that ends here was cut mid-sample). */
  get pending(): boolean {
    return this.carry !== undefined;
  }
}

function toInt16(word: number): number {
  return word >= 0x8000 ? word - 0x10000 : word;
}

/** Yields PCM16 chunks from a byte stream, skipping the empty ones; a final odd byte is dropped. */
export async function* pcm16Chunks(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Int16Array> {
  const decoder = new Pcm16Decoder();
  for await (const chunk of bytes) {
    const samples = decoder.push(chunk);
    if (samples.length > 0) yield samples;
  }
}
