/**
 * @jest-environment ./src/vad/testing/onnx-node-environment.cjs
 */
import { MEDIA_FRAME_MS, MEDIA_FRAME_SAMPLES, MEDIA_SAMPLE_RATE } from '@voice/contracts/media';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FrameChunker } from '../audio/frames';
import { dbfs } from '../audio/levels';
import { resample } from '../audio/resample';
import { decodeWav } from '../audio/wav';
import { createVad } from './create-vad';
import { EnergyVad } from './energy-vad';
import { SileroVad, defaultSileroModelPath } from './silero-vad';
import type { VoiceActivityDetector } from './vad';

const SENTENCE = 'I would like to book an appointment with doctor Smith on Tuesday morning, please.';
const FRAME_MS = MEDIA_FRAME_MS;

/** Real speech from espeak-ng, at 16 kHz. Fails loudly when espeak-ng is missing. */
function speak(text: string): Int16Array {
  const wav = decodeWav(execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '--stdout', text]));
  return resample(wav.samples, wav.sampleRate, MEDIA_SAMPLE_RATE);
}

/** Deterministic white noise with the given RMS level (dBFS). */
function noise(samples: number, levelDbfs: number, seed = 7): Int16Array {
  let s = seed;
  const out = new Int16Array(samples);
  // Uniform noise in [-a, a] has RMS a/√3.
  const a = Math.sqrt(3) * 32768 * 10 ** (levelDbfs / 20);
  for (let i = 0; i < samples; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round((s / 0xffffffff - 0.5) * 2 * a);
  }
  return out;
}

function scale(pcm: Int16Array, gainDb: number): Int16Array {
  const g = 10 ** (gainDb / 20);
  return pcm.map((x) => Math.round(x * g));
}

function mix(a: Int16Array, b: Int16Array): Int16Array {
  return a.map((x, i) => Math.max(-32768, Math.min(32767, x + (b[i] ?? 0))));
}

interface Scene {
  frames: Int16Array[];
  /** Per frame: is the clean speech in it clearly audible (within 30 dB of its loudest frame, 6 dB above the noise)? */
  speech: boolean[];
  /** Per frame: is it at least 300 ms away from any speech sample (true silence)? */
  farFromSpeech: boolean[];
  firstSpeech: number;
  lastSpeech: number;
}

/** `silenceMs` of background, the speech, `silenceMs` of background; noise under all of it. */
function scene(speech: Int16Array, silenceMs: number, noiseDbfs?: number): Scene {
  const pad = (silenceMs * MEDIA_SAMPLE_RATE) / 1000;
  const clean = new Int16Array(pad + speech.length + pad);
  clean.set(speech, pad);
  const signal = noiseDbfs === undefined ? clean : mix(clean, noise(clean.length, noiseDbfs));
  const chunker = new FrameChunker();
  const frames = chunker.push(signal);
  const cleanFrames = new FrameChunker().push(clean);
  const levels = cleanFrames.map(dbfs);
  const peak = Math.max(...levels);
  const speechFrames = levels.map((l) => l > Math.max(peak - 30, (noiseDbfs ?? -100) + 6));
  const firstSpeech = speechFrames.indexOf(true);
  const lastSpeech = speechFrames.lastIndexOf(true);
  const margin = 300 / FRAME_MS;
  const nonSilent = levels.map((l) => l > -100);
  const firstSound = nonSilent.indexOf(true);
  const lastSound = nonSilent.lastIndexOf(true);
  const farFromSpeech = levels.map((_, i) => i < firstSound - margin || i > lastSound + margin);
  return { frames, speech: speechFrames, farFromSpeech, firstSpeech, lastSpeech };
}

async function probabilities(vad: VoiceActivityDetector, frames: Int16Array[]): Promise<number[]> {
  const out: number[] = [];
  for (const frame of frames) out.push(await vad.process(frame));
  return out;
}

function expectSpeechMarked(scene: Scene, p: number[], threshold = 0.5): void {
  const detected = p.map((x) => x >= threshold);
  const speechIdx = scene.speech.flatMap((s, i) => (s ? [i] : []));
  const silenceIdx = scene.farFromSpeech.flatMap((s, i) => (s ? [i] : []));
  const recall = speechIdx.filter((i) => detected[i]).length / speechIdx.length;
  const falseAlarms = silenceIdx.filter((i) => detected[i]).length / silenceIdx.length;
  const first = detected.indexOf(true);
  const last = detected.lastIndexOf(true);
  const context = `recall ${recall.toFixed(3)}, false alarms ${falseAlarms.toFixed(3)}, detected frames ${first}..${last}, speech frames ${scene.firstSpeech}..${scene.lastSpeech}`;
  expect(speechIdx.length).toBeGreaterThan(100);
  expect(silenceIdx.length).toBeGreaterThan(50);
  const problems: string[] = [];
  if (recall < 0.9) problems.push('fewer than 90% of the speech frames detected');
  if (falseAlarms > 0.02) problems.push('more than 2% of the silent frames called speech');
  // Start within 100 ms of the speech onset; end within 100 ms before to 300 ms after its last frame.
  if (Math.abs(first - scene.firstSpeech) > 100 / FRAME_MS) problems.push('speech start missed by more than 100 ms');
  if (last < scene.lastSpeech - 100 / FRAME_MS || last > scene.lastSpeech + 300 / FRAME_MS) {
    problems.push('speech end outside [-100 ms, +300 ms]');
  }
  expect({ problems, context }).toEqual({ problems: [], context });
}

let sentence: Int16Array;
beforeAll(() => {
  sentence = speak(SENTENCE);
  expect(sentence.length).toBeGreaterThan(3 * MEDIA_SAMPLE_RATE);
});

const detectors: [string, () => Promise<VoiceActivityDetector>][] = [
  ['EnergyVad', async () => new EnergyVad()],
  ['SileroVad', () => SileroVad.load()],
];

describe.each(detectors)('%s on espeak-ng speech', (_name, make) => {
  let vad: VoiceActivityDetector;
  beforeEach(async () => {
    vad = await make();
  });
  afterEach(async () => {
    await vad.close();
  });

  it('marks the speech and not the digital silence around it', async () => {
    const s = scene(sentence, 1500);
    expectSpeechMarked(s, await probabilities(vad, s.frames));
  });

  it('marks the speech and not the low background noise around it', async () => {
    const s = scene(sentence, 1500, -50);
    expectSpeechMarked(s, await probabilities(vad, s.frames));
  });

  it('gives the same answers after reset() as a fresh detector', async () => {
    const s = scene(sentence, 500, -55);
    const first = await probabilities(vad, s.frames);
    vad.reset();
    expect(await probabilities(vad, s.frames)).toEqual(first);
  });
});

describe('EnergyVad', () => {
  it('still hears quiet speech over a quieter background', async () => {
    const s = scene(scale(sentence, -25), 1500, -65);
    expectSpeechMarked(s, await probabilities(new EnergyVad(), s.frames));
  });

  it('learns a steady hiss that starts mid-stream and stops calling it speech within a second', () => {
    const vad = new EnergyVad();
    const quiet = new FrameChunker().push(noise(MEDIA_SAMPLE_RATE, -70));
    const hiss = new FrameChunker().push(noise(4 * MEDIA_SAMPLE_RATE, -35, 99));
    for (const frame of quiet) expect(vad.process(frame)).toBeLessThan(0.1);
    const p = hiss.map((frame) => vad.process(frame));
    const afterOneSecond = p.slice(1000 / FRAME_MS);
    expect(Math.max(...afterOneSecond)).toBeLessThan(0.2);
    expect(vad.noiseFloorDbfs).toBeGreaterThan(-38);
  });

  it('keeps hearing speech that continues for several seconds (the floor does not climb onto it)', async () => {
    const long = speak(`${SENTENCE} ${SENTENCE} ${SENTENCE}`);
    const s = scene(long, 1000, -50);
    expectSpeechMarked(s, await probabilities(new EnergyVad(), s.frames));
  });

  it('does not call a faint click over digital silence speech', () => {
    const vad = new EnergyVad();
    const silence = new Int16Array(MEDIA_FRAME_SAMPLES);
    for (let i = 0; i < 20; i++) vad.process(silence);
    const faint = noise(MEDIA_FRAME_SAMPLES, -70);
    expect(vad.process(faint)).toBeLessThan(0.05);
  });

  it('rejects a non-positive softness', () => {
    expect(() => new EnergyVad({ softnessDb: 0 })).toThrow(/softnessDb/);
  });
});

describe('SileroVad', () => {
  it('finds the model shipped in @livekit/agents-plugin-silero', () => {
    const path = defaultSileroModelPath();
    expect(path).toMatch(/agents-plugin-silero[\\/]dist[\\/]silero_vad\.onnx$/);
    expect(existsSync(path)).toBe(true);
  });

  it('updates its probability once per 512-sample window and holds it between windows', async () => {
    const vad = await SileroVad.load();
    try {
      // Speech from the first sample, so the first window's probability is clearly not 0.
      const frames = new FrameChunker().push(sentence.subarray(0, 20 * MEDIA_FRAME_SAMPLES));
      const p = await probabilities(vad, frames);
      // 320-sample frames: windows complete inside frames 1, 3, 4, 6, 8, 9, … (cumulative 640 ≥ 512, …).
      expect(p[0]).toBe(0);
      const changed = p.map((x, i) => i > 0 && x !== p[i - 1]);
      const windowsDone = p.map((_, i) => Math.floor(((i + 1) * 320) / 512) > Math.floor((i * 320) / 512));
      for (let i = 1; i < p.length; i++) if (!windowsDone[i]) expect(changed[i]).toBe(false);
      expect(Math.max(...p)).toBeGreaterThan(0.5);
    } finally {
      await vad.close();
    }
  });

  it('serialises overlapping process() calls so the recurrent state stays in order', async () => {
    const frames = new FrameChunker().push(sentence.subarray(0, 50 * MEDIA_FRAME_SAMPLES));
    const a = await SileroVad.load();
    const b = await SileroVad.load();
    try {
      const sequential = await probabilities(a, frames);
      const overlapped = await Promise.all(frames.map((f) => b.process(f)));
      expect(overlapped).toEqual(sequential);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses to run after close()', async () => {
    const vad = await SileroVad.load();
    await vad.close();
    await expect(vad.process(new Int16Array(MEDIA_FRAME_SAMPLES))).rejects.toThrow(/after close/);
  });

  it('says which file it could not load', async () => {
    await expect(SileroVad.load({ modelPath: '/nonexistent/silero.onnx' })).rejects.toThrow(/\/nonexistent\/silero\.onnx/);
  });
});

describe('createVad', () => {
  it('builds the requested detector', async () => {
    const energy = await createVad('energy', { energy: { snrThresholdDb: 12 } });
    const silero = await createVad('silero');
    try {
      expect(energy).toBeInstanceOf(EnergyVad);
      expect(silero).toBeInstanceOf(SileroVad);
    } finally {
      await energy.close();
      await silero.close();
    }
  });
});
