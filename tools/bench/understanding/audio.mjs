// Audio for the understanding benchmark: espeak-ng speech at a microphone's 48 kHz, deterministic pink
// noise at a chosen SNR, and the two paths a caller's audio takes to the recogniser (browser WebSocket at
// 16 kHz, phone line at 8 kHz μ-law), built from libs/agent's own audio code (its dist build).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIC_RATE = 48_000;
export const VOICES = [
  { id: 'us-150', voice: 'en-us', rate: 150 },
  { id: 'us-f3-175', voice: 'en-us+f3', rate: 175 },
  { id: 'rp-m3-140', voice: 'en-gb-x-rp+m3', rate: 140 },
];
/** Silence around each utterance, as a caller pauses before and after speaking (the pipeline needs 400 ms to end the turn). */
const LEAD_MS = 300;
const TRAIL_MS = 1000;

export function audioLib(root) {
  const audio = createRequire(import.meta.url)(join(root, 'libs/agent/dist/audio/index.js'));
  const cacheDir = join(tmpdir(), `voice-bench-understanding-${process.getuid?.() ?? 'user'}`);
  mkdirSync(cacheDir, { recursive: true });

  /** espeak-ng's speech made 48 kHz (a microphone's usual rate) by sox, cached by voice, rate and text. */
  function speak(text, { voice, rate }) {
    const key = createHash('sha256')
      .update(JSON.stringify([voice, rate, text]))
      .digest('hex')
      .slice(0, 16);
    const file = join(cacheDir, `${key}.raw`);
    if (!existsSync(file)) {
      const wav = execFileSync('espeak-ng', ['-v', voice, '-s', String(rate), '--stdout', '--', text], { maxBuffer: 64 << 20 });
      const raw = execFileSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', String(MIC_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-L', '-'], {
        input: wav,
        maxBuffer: 64 << 20,
      });
      writeFileSync(file, raw);
    }
    const speech = audio.bytesToInt16(readFileSync(file)).slice();
    const out = new Int16Array(((LEAD_MS + TRAIL_MS) * MIC_RATE) / 1000 + speech.length);
    out.set(speech, (LEAD_MS * MIC_RATE) / 1000);
    return out;
  }

  return {
    speak,
    /** Browser: Chromium resamples the 48 kHz track into the 16 kHz AudioContext (libs/agent's resampler stands in), the capture worklet turns floats into PCM16 frames. */
    web(pcm48) {
      const pcm16 = audio.resample(pcm48, MIC_RATE, 16_000);
      return Int16Array.from(pcm16, (v) => workletSample(v / 32768));
    },
    /** Phone line: 8 kHz μ-law there and back, then up to 16 kHz as the pipeline will for a phone call. */
    phone(pcm48) {
      const line = audio.mulawDecode(audio.mulawEncode(audio.resample(pcm48, MIC_RATE, 8_000)));
      return audio.resample(line, 8_000, 16_000);
    },
  };
}

/** apps/web/public/worklets/capture.js: clamp, then scale negatives by 0x8000 and positives by 0x7fff (truncating, as an Int16Array store does). */
function workletSample(s) {
  const c = Math.max(-1, Math.min(1, s));
  return Math.trunc(c < 0 ? c * 0x8000 : c * 0x7fff);
}

/** Mulberry32: a small seeded generator, so the noise is the same every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pink noise (Paul Kellet's filter over seeded white noise), `length` samples, unit-ish scale. */
function pinkNoise(length, seed) {
  const rand = random(seed);
  const out = new Float64Array(length);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0; // prettier-ignore
  for (let i = 0; i < length; i++) {
    const white = rand() * 2 - 1;
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.969 * b2 + white * 0.153852;
    b3 = 0.8665 * b3 + white * 0.3104856;
    b4 = 0.55 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
  }
  return out;
}

const rmsOf = (values) => Math.sqrt(values.reduce((n, v) => n + v * v, 0) / Math.max(1, values.length));

/**
 * Speech level as the RMS of its active 20 ms blocks (those within 30 dB of the loudest), so pauses
 * do not lower it; the noise runs through the silences as well.
 */
export function speechRms(pcm, rate = MIC_RATE) {
  const block = (rate * 20) / 1000;
  const blocks = [];
  for (let i = 0; i + block <= pcm.length; i += block) blocks.push(pcm.subarray(i, i + block));
  const levels = blocks.map((b) => rmsOf(b));
  const loudest = Math.max(...levels);
  const active = blocks.filter((_, i) => levels[i] >= loudest / 31.6);
  return rmsOf(active.flatMap((b) => [...b]));
}

/** `pcm` with pink noise `snrDb` below its speech level, seeded by `seed`. */
export function addNoise(pcm, snrDb, seed) {
  const noise = pinkNoise(pcm.length, seed);
  const scale = speechRms(pcm) / 10 ** (snrDb / 20) / rmsOf(noise);
  return Int16Array.from(pcm, (v, i) => Math.max(-32768, Math.min(32767, Math.round(v + noise[i] * scale))));
}

export const seedOf = (text) => createHash('sha256').update(text).digest().readUInt32LE(0);
