/**
 * Rational-ratio polyphase resampling of PCM16 with a Kaiser-windowed sinc low-pass.
 *
 * Output sample n sits at input time n·M/L (L/M = to/from in lowest terms) and is the dot product
 * of the input around that time with one of L precomputed phases of the filter. The cut-off is
 * 90% of the lower of the two Nyquist frequencies, so downsampling removes what would alias.
 * Filter banks are built once per rate pair and shared by every stream.
 */

const ROLLOFF = 0.9;
/** Sinc zero crossings on each side of the centre: longer means a sharper transition band. */
const HALF_ZEROS = 16;
/** Kaiser β ≈ 8 gives about 80 dB of stop-band attenuation. */
const KAISER_BETA = 8;

export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

interface FilterBank {
  /** Interpolation factor (phases). */
  up: number;
  /** Decimation factor. */
  down: number;
  /** Taps each side of the centre; every phase has 2·halfWidth taps. */
  halfWidth: number;
  /** Phase p occupies [p·taps, (p+1)·taps). */
  coefficients: Float64Array;
}

const banks = new Map<string, FilterBank>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function checkRate(rate: number, role: string): void {
  if (!Number.isInteger(rate) || rate <= 0 || rate > 384_000) {
    throw new RangeError(`Resampler: ${role} sample rate must be a positive integer (Hz), got ${rate}`);
  }
}

function filterBank(from: number, to: number): FilterBank {
  const key = `${from}:${to}`;
  const cached = banks.get(key);
  if (cached) return cached;
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  if (up > 4096) {
    throw new RangeError(`Resampler: ${from} Hz → ${to} Hz needs ${up} filter phases; use rates with a larger common divisor`);
  }
  // Cut-off as a fraction of the input Nyquist frequency.
  const cutoff = ROLLOFF * Math.min(1, to / from);
  const halfWidth = Math.ceil(HALF_ZEROS / cutoff);
  const taps = 2 * halfWidth;
  const coefficients = new Float64Array(up * taps);
  const i0Beta = besselI0(KAISER_BETA);
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    let sum = 0;
    const row = new Float64Array(taps);
    for (let k = 0; k < taps; k++) {
      // Tap k multiplies input x[i - halfWidth + 1 + k]; its distance from the output time i + frac.
      const u = halfWidth - 1 - k + frac;
      const r = u / halfWidth;
      const window = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
      const x = Math.PI * cutoff * u;
      const sinc = x === 0 ? 1 : Math.sin(x) / x;
      row[k] = cutoff * sinc * window;
      sum += row[k];
    }
    // Unity gain at DC in every phase, so a constant input comes out constant (no phase ripple).
    for (let k = 0; k < taps; k++) coefficients[phase * taps + k] = row[k] / sum;
  }
  const bank: FilterBank = { up, down, halfWidth, coefficients };
  banks.set(key, bank);
  return bank;
}

/**
 * Streaming resampler: feed chunks of any length to `process`, then `flush` once at the end of the
 * stream. State carries across chunks, so the concatenated output is identical to a one-shot
 * `resample` of the whole signal. Output lags input by half the filter length until `flush`.
 */
export class Resampler {
  private readonly bank: FilterBank | undefined;
  /** Input samples still needed, as floats; history[0] is input index `historyStart`. */
  private history: Float64Array;
  private historyLength = 0;
  private historyStart = 0;
  /** Input index and phase of the next output sample (its time is inputIndex + phase/up). */
  private inputIndex = 0;
  private phase = 0;
  private outputCount = 0;
  private inputCount = 0;

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    checkRate(from, 'input');
    checkRate(to, 'output');
    this.bank = from === to ? undefined : filterBank(from, to);
    this.history = new Float64Array(4096);
    this.reset();
  }

  process(chunk: Int16Array): Int16Array {
    if (!this.bank) return chunk.slice();
    this.append(chunk);
    this.inputCount += chunk.length;
    return this.produce(Infinity);
  }

  /** Emits the tail held back for the filter's look-ahead, then resets for a new stream. */
  flush(): Int16Array {
    if (!this.bank) return new Int16Array(0);
    this.append(new Int16Array(this.bank.halfWidth));
    // Exactly ceil(inputs · L / M) outputs in total: those whose time falls inside the input.
    const total = Math.ceil((this.inputCount * this.bank.up) / this.bank.down);
    const out = this.produce(total - this.outputCount);
    this.reset();
    return out;
  }

  reset(): void {
    this.inputIndex = 0;
    this.phase = 0;
    this.outputCount = 0;
    this.inputCount = 0;
    if (!this.bank) return;
    // Zeros before the first sample, so the first outputs see a full (silent) left context.
    this.historyStart = -this.bank.halfWidth;
    this.historyLength = this.bank.halfWidth;
    this.history.fill(0, 0, this.historyLength);
  }

  private append(chunk: Int16Array): void {
    const needed = this.historyLength + chunk.length;
    if (needed > this.history.length) {
      const grown = new Float64Array(Math.max(needed, this.history.length * 2));
      grown.set(this.history.subarray(0, this.historyLength));
      this.history = grown;
    }
    const h = this.history;
    const base = this.historyLength;
    for (let i = 0; i < chunk.length; i++) h[base + i] = chunk[i];
    this.historyLength = needed;
  }

  private produce(limit: number): Int16Array {
    const bank = this.bank as FilterBank;
    const { up, down, halfWidth, coefficients } = bank;
    const taps = 2 * halfWidth;
    const h = this.history;
    const available = this.historyStart + this.historyLength;
    // Outputs computable now: the last tap (input index i + halfWidth) must have arrived.
    const ready = Math.max(0, Math.floor(((available - halfWidth) * up - this.phase - this.inputIndex * up - 1) / down) + 1);
    const count = Math.min(ready, limit);
    const out = new Int16Array(Math.max(0, count));
    let i = this.inputIndex;
    let phase = this.phase;
    for (let n = 0; n < count; n++) {
      const start = i - halfWidth + 1 - this.historyStart;
      const c = phase * taps;
      // Two accumulators (taps is even) let the CPU overlap the multiply-adds.
      let a0 = 0;
      let a1 = 0;
      for (let k = 0; k < taps; k += 2) {
        a0 += h[start + k] * coefficients[c + k];
        a1 += h[start + k + 1] * coefficients[c + k + 1];
      }
      const acc = a0 + a1;
      out[n] = acc >= 32767 ? 32767 : acc <= -32768 ? -32768 : Math.round(acc);
      phase += down;
      if (phase >= up) {
        const carry = Math.floor(phase / up);
        i += carry;
        phase -= carry * up;
      }
    }
    this.inputIndex = i;
    this.phase = phase;
    this.outputCount += out.length;
    this.discardBefore(i - halfWidth + 1);
    return out;
  }

  /** Drops history before input index `first`, which no later output needs. */
  private discardBefore(first: number): void {
    const drop = Math.min(first - this.historyStart, this.historyLength);
    if (drop <= 0) return;
    this.history.copyWithin(0, drop, this.historyLength);
    this.historyLength -= drop;
    this.historyStart += drop;
  }
}

/** Resamples a whole signal at once (same output as streaming it through a Resampler). */
export function resample(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to) {
    checkRate(from, 'input');
    return samples.slice();
  }
  const resampler = new Resampler(from, to);
  const body = resampler.process(samples);
  const tail = resampler.flush();
  const out = new Int16Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  return out;
}
