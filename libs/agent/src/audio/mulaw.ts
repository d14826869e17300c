/**
 * ITU-T G.711 μ-law, as used by telephony (Twilio Media Streams: 8 kHz, one byte per sample).
 * The classic 16-bit formulation: bias 0x84 (132), clip at 32635, 3-bit segment + 4-bit
 * mantissa, all bits inverted on the wire. Both directions are table lookups.
 */

const BIAS = 0x84;
const CLIP = 32635;

function encodeSample(sample: number): number {
  let magnitude = sample;
  let sign = 0;
  if (magnitude < 0) {
    sign = 0x80;
    magnitude = -magnitude;
  }
  if (magnitude > CLIP) magnitude = CLIP;
  magnitude += BIAS;
  // Segment = position of the highest set bit above bit 7 (magnitude is at most 0x7FFF here).
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeByte(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, byte) => decodeByte(byte));

let encodeTable: Uint8Array | undefined;
/** 64 KiB, indexed by the sample's 16-bit two's-complement pattern; built on first use. */
function getEncodeTable(): Uint8Array {
  if (!encodeTable) {
    encodeTable = new Uint8Array(65536);
    for (let i = 0; i < 65536; i++) encodeTable[i] = encodeSample((i << 16) >> 16);
  }
  return encodeTable;
}

/** PCM16 samples to μ-law bytes (one per sample). */
export function mulawEncode(pcm: Int16Array): Buffer {
  const table = getEncodeTable();
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = table[pcm[i] & 0xffff];
  return out;
}

/** μ-law bytes to PCM16 samples. */
export function mulawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE_TABLE[bytes[i]];
  return out;
}

/** One sample, for tests and for code that works sample by sample. */
export function mulawEncodeSample(sample: number): number {
  return getEncodeTable()[sample & 0xffff];
}

export function mulawDecodeSample(byte: number): number {
  return DECODE_TABLE[byte & 0xff];
}
