import { resample, Resampler, SUPPORTED_SAMPLE_RATES } from './resample';

function sine(freq: number, rate: number, samples: number, amplitude = 10000): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate)));
}

/** Amplitude of the `freq` component (Goertzel), normalised so a sine of amplitude A gives A. */
function goertzel(x: ArrayLike<number>, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / x.length;
}

/** Frequency from the time between the first and last upward zero crossings. */
function zeroCrossingFrequency(x: Int16Array, rate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) crossings.push(i - 1 + -x[i - 1] / (x[i] - x[i - 1]));
  }
  return ((crossings.length - 1) * rate) / (crossings[crossings.length - 1] - crossings[0]);
}

function rmsOf(x: Int16Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / x.length);
}

/** The middle of a signal, away from the filter's start-up and tail. */
const middle = (x: Int16Array, rate: number): Int16Array => x.subarray(Math.round(rate * 0.1), x.length - Math.round(rate * 0.1));

const pairs = SUPPORTED_SAMPLE_RATES.flatMap((from) => SUPPORTED_SAMPLE_RATES.filter((to) => to !== from).map((to) => [from, to] as const));

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe('resample', () => {
  it.each(pairs)('%i Hz → %i Hz keeps a 1 kHz tone at its frequency and level', (from, to) => {
    const input = sine(1000, from, from); // one second
    const output = resample(input, from, to);
    expect(output.length).toBe(Math.ceil((input.length * to) / from));
    const body = middle(output, to);
    expect(zeroCrossingFrequency(body, to)).toBeCloseTo(1000, 0);
    expect(goertzel(body, 1000, to)).toBeCloseTo(10000, -2); // within ±50 (0.05 dB)
    expect(rmsOf(body) / rmsOf(middle(input, from))).toBeCloseTo(1, 2);
  });

  it('attenuates a 10 kHz tone by more than 60 dB when downsampling 48 kHz to 16 kHz', () => {
    const output = middle(resample(sine(10000, 48000, 48000, 20000), 48000, 16000), 16000);
    // 10 kHz folds to 6 kHz at 16 kHz: that alias and everything else must be gone.
    expect(goertzel(output, 6000, 16000)).toBeLessThan(20000 * 10 ** (-60 / 20));
    expect(rmsOf(output)).toBeLessThan(20000 * 10 ** (-60 / 20));
  });

  it('attenuates a 5 kHz tone by more than 60 dB when downsampling 16 kHz to 8 kHz (telephony)', () => {
    const output = middle(resample(sine(5000, 16000, 16000, 20000), 16000, 8000), 8000);
    expect(rmsOf(output)).toBeLessThan(20000 * 10 ** (-60 / 20));
  });

  it('keeps speech-band tones within 0.5 dB when downsampling 48 kHz to 16 kHz', () => {
    for (const freq of [100, 300, 3400, 6000]) {
      const output = middle(resample(sine(freq, 48000, 48000), 48000, 16000), 16000);
      expect([freq, 20 * Math.log10(goertzel(output, freq, 16000) / 10000)]).toEqual([freq, expect.closeTo(0, 0.5)]);
    }
  });

  it('adds no images when upsampling 8 kHz to 16 kHz', () => {
    const output = middle(resample(sine(1000, 8000, 8000), 8000, 16000), 16000);
    // Naive upsampling would leave an image of 1 kHz at 8 - 1 = 7 kHz.
    expect(goertzel(output, 7000, 16000)).toBeLessThan(10000 * 10 ** (-60 / 20));
  });

  it('clips instead of wrapping around at full scale', () => {
    // A full-scale step rings above 32767 just after the edge (Gibbs); wrapped samples would go negative.
    const step = Int16Array.from({ length: 4800 }, (_, i) => (i < 2400 ? 0 : 32767));
    const output = resample(step, 48000, 16000);
    const after = output.subarray(800 + 2);
    expect(Math.min(...after)).toBeGreaterThan(30000);
    expect(Math.max(...output)).toBe(32767);
    expect(after[after.length - 100]).toBe(32767);
  });

  it('returns a copy when the rates are equal', () => {
    const input = sine(440, 16000, 320);
    const output = resample(input, 16000, 16000);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('rejects rates that are not positive integers', () => {
    expect(() => resample(new Int16Array(10), 0, 16000)).toThrow(/input sample rate/);
    expect(() => new Resampler(16000, 22050.5)).toThrow(/output sample rate/);
  });
});

describe('Resampler (streaming)', () => {
  it.each([
    [24000, 16000],
    [22050, 16000],
    [44100, 16000],
    [16000, 8000],
    [8000, 16000],
    [16000, 48000],
  ])('%i Hz → %i Hz in random-sized chunks equals the one-shot output, sample for sample', (from, to) => {
    const random = lcg(from + to);
    const input = Int16Array.from({ length: from }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 700 * i) / from) + 3000 * (random() - 0.5)));
    const oneShot = resample(input, from, to);
    const resampler = new Resampler(from, to);
    const parts: Int16Array[] = [];
    for (let offset = 0; offset < input.length; ) {
      const size = Math.floor(random() * 700); // includes empty chunks and single samples
      parts.push(resampler.process(input.subarray(offset, offset + size)));
      offset += size;
    }
    parts.push(resampler.flush());
    const streamed = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      streamed.set(p, at);
      at += p.length;
    }
    expect(streamed.length).toBe(oneShot.length);
    expect(Buffer.from(streamed.buffer).equals(Buffer.from(oneShot.buffer))).toBe(true);
  });

  it('makes no click at chunk boundaries of 20 ms TTS chunks', () => {
    const input = sine(440, 24000, 24000);
    const resampler = new Resampler(24000, 16000);
    const parts: Int16Array[] = [];
    for (let offset = 0; offset < input.length; offset += 480) parts.push(resampler.process(input.subarray(offset, offset + 480)));
    parts.push(resampler.flush());
    const out = Int16Array.from(parts.flatMap((p) => [...p]));
    // The largest sample-to-sample step of a 440 Hz sine of amplitude 10000 at 16 kHz is about 1730.
    let maxStep = 0;
    for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i] - out[i - 1]));
    expect(maxStep).toBeLessThan(1800);
  });

  it('can be reused for a new stream after flush()', () => {
    const input = sine(300, 22050, 5000);
    const resampler = new Resampler(22050, 16000);
    const first = [...resampler.process(input), ...resampler.flush()];
    const second = [...resampler.process(input), ...resampler.flush()];
    expect(second).toEqual(first);
  });
});
