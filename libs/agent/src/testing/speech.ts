import { execFileSync } from 'node:child_process';
import { MEDIA_SAMPLE_RATE } from '@voice/contracts/media';
import { decodeWav } from '../audio/wav';
import { resample } from '../audio/resample';

/** Real speech for tests and benchmarks: espeak-ng says `text`, returned as 16 kHz mono PCM16. */
export function speak(text: string, options: { voice?: string; rate?: number } = {}): Int16Array {
  const wav = execFileSync('espeak-ng', ['-v', options.voice ?? 'en-us', '-s', String(options.rate ?? 150), '--stdout', '--', text], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const { sampleRate, samples } = decodeWav(wav);
  return resample(samples, sampleRate, MEDIA_SAMPLE_RATE);
}

export const silence = (ms: number): Int16Array => new Int16Array((MEDIA_SAMPLE_RATE * ms) / 1000);

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
