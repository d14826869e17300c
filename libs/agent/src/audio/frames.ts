import { MEDIA_FRAME_SAMPLES } from '@voice/contracts/media';

/**
 * Cuts a stream of arbitrary-length PCM16 chunks into exact fixed-size frames (20 ms at 16 kHz by
 * default), keeping the remainder for the next push.
 */
export class FrameChunker {
  private readonly pending: Int16Array;
  private filled = 0;

  constructor(readonly frameSamples: number = MEDIA_FRAME_SAMPLES) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) {
      throw new RangeError(`FrameChunker: frame size must be a positive integer, got ${frameSamples}`);
    }
    this.pending = new Int16Array(frameSamples);
  }

  /** Samples held back, waiting for a full frame. */
  get buffered(): number {
    return this.filled;
  }

  /** Every whole frame now available, each a fresh array the caller may keep. */
  push(chunk: Int16Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let offset = 0;
    if (this.filled > 0) {
      const take = Math.min(this.frameSamples - this.filled, chunk.length);
      this.pending.set(chunk.subarray(0, take), this.filled);
      this.filled += take;
      offset = take;
      if (this.filled < this.frameSamples) return frames;
      frames.push(this.pending.slice());
      this.filled = 0;
    }
    while (chunk.length - offset >= this.frameSamples) {
      frames.push(chunk.slice(offset, offset + this.frameSamples));
      offset += this.frameSamples;
    }
    if (offset < chunk.length) {
      this.pending.set(chunk.subarray(offset), 0);
      this.filled = chunk.length - offset;
    }
    return frames;
  }

  /** The last partial frame padded with silence, or undefined when nothing is held back. */
  flush(): Int16Array | undefined {
    if (this.filled === 0) return undefined;
    const frame = new Int16Array(this.frameSamples);
    frame.set(this.pending.subarray(0, this.filled));
    this.filled = 0;
    return frame;
  }

  reset(): void {
    this.filled = 0;
  }
}

/** Joins chunks into one array. */
export function concatInt16(chunks: readonly Int16Array[]): Int16Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Int16Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

// Part of this module's public surface (callers import it from here), defined with the other levels.
export { rms } from './levels';
