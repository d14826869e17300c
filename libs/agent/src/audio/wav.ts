/** RIFF/WAVE PCM16 reading (mono or stereo, mixed down to mono) and writing (mono). */

export interface DecodedWav {
  sampleRate: number;
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const HEADER_BYTES = 44;
// Streaming writers (espeak-ng --stdout, sox to a pipe) cannot seek back to patch sizes,
// so they leave 0 or a placeholder; either means "the data runs to the end of the file".
const STREAMING_SIZES = new Set([0, 0x7fffffff, 0xffffffff]);

/** Encodes mono PCM16 as a canonical 44-byte-header WAV file. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`encodeWav: sample rate must be a positive integer, got ${sampleRate}`);
  }
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], HEADER_BYTES + i * 2);
  return out;
}

/**
 * Decodes a PCM16 WAV file. Unknown chunks (LIST, fact, …) are skipped; a data chunk whose size
 * is 0, 0x7FFFFFFF or past the end of the file is taken to run to the end of the file.
 */
export function decodeWav(data: Uint8Array): DecodedWav {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 12 || ascii(data, 0) !== 'RIFF' || ascii(data, 8) !== 'WAVE') {
    throw new Error('decodeWav: not a RIFF/WAVE file (missing "RIFF....WAVE" header)');
  }
  let format: { channels: number; sampleRate: number; bitsPerSample: number; formatTag: number } | undefined;
  let offset = 12;
  while (offset + 8 <= data.byteLength) {
    const id = ascii(data, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > data.byteLength) throw new Error('decodeWav: truncated "fmt " chunk');
      const tag = view.getUint16(body, true);
      format = {
        // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
        formatTag: tag === WAVE_FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= data.byteLength ? view.getUint16(body + 24, true) : tag,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('decodeWav: "data" chunk before "fmt " chunk');
      checkFormat(format);
      const remaining = data.byteLength - body;
      const bytes = STREAMING_SIZES.has(size) || size > remaining ? remaining : size;
      return { sampleRate: format.sampleRate, samples: readPcm16(view, body, bytes, format.channels) };
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = body + size + (size & 1);
  }
  throw new Error('decodeWav: no "data" chunk found');
}

function checkFormat(format: { channels: number; sampleRate: number; bitsPerSample: number; formatTag: number }): void {
  if (format.formatTag !== WAVE_FORMAT_PCM) {
    throw new Error(`decodeWav: only PCM WAV is supported, got format tag ${format.formatTag}`);
  }
  if (format.bitsPerSample !== 16) {
    throw new Error(`decodeWav: only 16-bit PCM is supported, got ${format.bitsPerSample}-bit`);
  }
  if (format.channels !== 1 && format.channels !== 2) {
    throw new Error(`decodeWav: only mono or stereo is supported, got ${format.channels} channels`);
  }
  if (format.sampleRate <= 0) throw new Error('decodeWav: sample rate is 0');
}

function readPcm16(view: DataView, start: number, bytes: number, channels: number): Int16Array {
  const frameBytes = 2 * channels;
  const frames = Math.floor(bytes / frameBytes);
  const out = new Int16Array(frames);
  if (channels === 1) {
    for (let i = 0; i < frames; i++) out[i] = view.getInt16(start + i * 2, true);
  } else {
    for (let i = 0; i < frames; i++) {
      const p = start + i * 4;
      // Average with rounding towards zero; cannot overflow int16.
      out[i] = (view.getInt16(p, true) + view.getInt16(p + 2, true)) / 2;
    }
  }
  return out;
}

function ascii(data: Uint8Array, offset: number): string {
  return String.fromCharCode(data[offset], data[offset + 1], data[offset + 2], data[offset + 3]);
}
