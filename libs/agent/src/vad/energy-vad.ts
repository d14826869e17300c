import { MEDIA_FRAME_MS } from '@voice/contracts/media';
import { dbfs, SILENCE_DBFS } from '../audio/levels';
import type { VoiceActivityDetector } from './vad';

export interface EnergyVadOptions {
  /** Level above the noise floor (dB) at which the speech probability is 0.5. Default 9. */
  snrThresholdDb?: number;
  /** dB over which the probability goes from about 0.12 to 0.88 around the threshold. Default 4. */
  softnessDb?: number;
  /**
   * Absolute level (dBFS) below which nothing counts as speech, however quiet the background.
   * Keeps a faint click over digital silence from looking like speech. Default -55.
   */
  minSpeechDbfs?: number;
  /** Starting noise floor (dBFS). Default: the level of the first frame. */
  initialNoiseFloorDbfs?: number;
  /** How fast the floor climbs under a level that is not steady (speech): dB per second. Default 1. */
  floorRiseDbPerSecond?: number;
  /**
   * A level that stays within this standard deviation (dB) for `steadyMs` is background, not
   * speech (speech swings by syllable), and the floor moves up to it quickly. Default 2.
   */
  steadyStdDb?: number;
  /** Window for the steadiness test. Default 500 ms. */
  steadyMs?: number;
  /** The probability holds its recent maximum this long, bridging stop consonants and short gaps. Default 80 ms. */
  hangoverMs?: number;
}

const DEFAULTS: Required<Omit<EnergyVadOptions, 'initialNoiseFloorDbfs'>> = {
  snrThresholdDb: 9,
  softnessDb: 4,
  minSpeechDbfs: -55,
  floorRiseDbPerSecond: 1,
  steadyStdDb: 2,
  steadyMs: 500,
  hangoverMs: 80,
};

/** Lowest noise floor tracked: below this, level differences are meaningless for speech. */
const MIN_FLOOR_DBFS = -90;
/** Highest: anything louder than this is not a background. */
const MAX_FLOOR_DBFS = -15;
/** Share of the gap closed per frame when the level falls below the floor (about 60 ms to settle). */
const FALL_RATE = 0.3;
/** Share of the gap closed per frame when a steady background rises above the floor. */
const STEADY_RISE_RATE = 0.1;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Speech probability from frame energy relative to an adaptive noise floor. The floor follows
 * quieter frames quickly and louder ones slowly, unless the louder level is steady (a fan, line
 * hiss), which it adopts within about a second. Cheap: one pass over the frame plus a few dozen
 * arithmetic operations.
 */
export class EnergyVad implements VoiceActivityDetector {
  readonly name = 'energy';
  private readonly o: Required<Omit<EnergyVadOptions, 'initialNoiseFloorDbfs'>> & { initialNoiseFloorDbfs?: number };
  private readonly recentDb: Float64Array;
  private readonly recentP: Float64Array;
  private floor: number | undefined;
  private frames = 0;

  constructor(options: EnergyVadOptions = {}) {
    this.o = { ...DEFAULTS, ...stripUndefined(options) };
    if (this.o.softnessDb <= 0) throw new RangeError('EnergyVad: softnessDb must be positive');
    this.recentDb = new Float64Array(Math.max(2, Math.round(this.o.steadyMs / MEDIA_FRAME_MS)));
    this.recentP = new Float64Array(Math.max(1, Math.round(this.o.hangoverMs / MEDIA_FRAME_MS) + 1));
    this.reset();
  }

  /** Current noise floor estimate in dBFS (undefined before the first frame). */
  get noiseFloorDbfs(): number | undefined {
    return this.floor;
  }

  process(frame: Int16Array): number {
    const level = dbfs(frame);
    const floor = this.trackFloor(level);
    const snr = level - floor;
    const p = sigmoid((snr - this.o.snrThresholdDb) / (this.o.softnessDb / 2)) * sigmoid((level - this.o.minSpeechDbfs) / 2);
    this.recentP[this.frames % this.recentP.length] = p;
    this.frames++;
    let held = 0;
    for (const q of this.recentP) if (q > held) held = q;
    return held;
  }

  reset(): void {
    this.floor = this.o.initialNoiseFloorDbfs;
    this.frames = 0;
    this.recentDb.fill(SILENCE_DBFS);
    this.recentP.fill(0);
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  private trackFloor(level: number): number {
    const n = this.recentDb.length;
    this.recentDb[this.frames % n] = level;
    const clamped = Math.min(MAX_FLOOR_DBFS, Math.max(MIN_FLOOR_DBFS, level));
    if (this.floor === undefined) {
      this.floor = clamped;
      return this.floor;
    }
    if (clamped < this.floor) {
      this.floor += (clamped - this.floor) * FALL_RATE;
    } else if (this.frames + 1 >= n && this.isSteady()) {
      this.floor += (clamped - this.floor) * STEADY_RISE_RATE;
    } else {
      this.floor = Math.min(clamped, this.floor + (this.o.floorRiseDbPerSecond * MEDIA_FRAME_MS) / 1000);
    }
    return this.floor;
  }

  private isSteady(): boolean {
    let sum = 0;
    let sumSq = 0;
    for (const v of this.recentDb) {
      sum += v;
      sumSq += v * v;
    }
    const n = this.recentDb.length;
    const mean = sum / n;
    const variance = Math.max(0, sumSq / n - mean * mean);
    return Math.sqrt(variance) < this.o.steadyStdDb;
  }
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
