import { mulawDecode, mulawDecodeSample, mulawEncode, mulawEncodeSample } from './mulaw';

const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('G.711 μ-law', () => {
  it('encodes the known code points', () => {
    const cases: [number, number][] = [
      [0, 0xff],
      [-1, 0x7f],
      [1, 0xff],
      [32767, 0x80],
      [-32768, 0x00],
      [1000, 0xce],
      [-1000, 0x4e],
      [100, 0xf2],
    ];
    for (const [sample, code] of cases) expect([sample, mulawEncodeSample(sample)]).toEqual([sample, code]);
  });

  it('decodes the known code points', () => {
    expect(mulawDecode(Uint8Array.from([0xff, 0x7f, 0x80, 0x00, 0xf0, 0x8f, 0x0f]))).toEqual(Int16Array.from([0, 0, 32124, -32124, 120, 16764, -16764]));
    expect(mulawDecodeSample(0xce)).toBe(988);
  });

  it('agrees with the Sun Microsystems reference encoder (g711.c, 14-bit form) on every non-negative sample', () => {
    // g711.c linear2ulaw: drop 2 bits, bias 0x21, clip 8159, segment by table search.
    // For negative input its arithmetic shift rounds towards -∞ and the two forms differ by one
    // step near some decision levels; for x ≥ 0 they must agree exactly.
    const segEnd = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
    const sun = (sample: number): number => {
      const v = Math.min(sample >> 2, 8159) + 0x21;
      const seg = segEnd.findIndex((end) => v <= end);
      if (seg < 0) return 0x80; // out of range: the maximum code
      return (((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ 0xff) & 0xff;
    };
    const disagreements: number[] = [];
    for (let x = 0; x <= 32767; x++) if (mulawEncodeSample(x) !== sun(x)) disagreements.push(x);
    expect(disagreements.slice(0, 10)).toEqual([]);
  });

  it('is symmetric: the sign bit is the only difference between x and -x', () => {
    const asymmetric: number[] = [];
    for (let x = 1; x <= 32767; x++) if ((mulawEncodeSample(-x) ^ mulawEncodeSample(x)) !== 0x80) asymmetric.push(x);
    expect(asymmetric).toEqual([]);
  });

  it('quantises every 16-bit sample to the centre of the G.711 interval holding it, monotonically', () => {
    const codes = mulawEncode(ALL_SAMPLES);
    const decoded = mulawDecode(codes);
    const violations: string[] = [];
    let worst = 0;
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i];
      if (i > 0 && decoded[i] < decoded[i - 1]) violations.push(`${x} decodes below ${x - 1}`);
      if (Math.abs(x) > 32635) continue; // clipped range, checked below
      // Segment e has 16 steps of 2^(e+3); the level sits mid-step, half a step from either edge.
      const segment = (~codes[i] >> 4) & 0x07;
      const error = Math.abs(decoded[i] - x);
      if (error > 4 << segment) violations.push(`${x} → ${decoded[i]}: off by ${error}`);
      worst = Math.max(worst, error / (Math.abs(x) + 132));
    }
    expect(violations.slice(0, 10)).toEqual([]);
    // Relative error at most half a step: 1/32 of the biased magnitude (about 3%).
    expect(worst).toBeLessThanOrEqual(1 / 32);
  });

  it('clips beyond ±32635 to the outermost levels', () => {
    expect(mulawDecode(mulawEncode(Int16Array.from([32700, 32767, -32700, -32768])))).toEqual(Int16Array.from([32124, 32124, -32124, -32124]));
  });

  it('keeps a speech-level sine within 38 dB signal-to-quantisation-noise', () => {
    const sine = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const back = mulawDecode(mulawEncode(sine));
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < sine.length; i++) {
      signal += sine[i] ** 2;
      noise += (back[i] - sine[i]) ** 2;
    }
    expect(10 * Math.log10(signal / noise)).toBeGreaterThan(38);
  });

  it('produces one byte per sample and a Buffer for the wire', () => {
    const bytes = mulawEncode(new Int16Array(160));
    expect(bytes).toBeInstanceOf(Buffer);
    expect(bytes.length).toBe(160);
    expect(mulawDecode(bytes).length).toBe(160);
  });
});
