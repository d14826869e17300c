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

/** PCM16 samples as little-endian bytes, the wire form every provider here expects. */
export function pcm16Bytes(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], i * 2);
  return out;
}
