import { MEDIA_SAMPLE_RATE } from '@voice/contracts/media';

/** Reported for digital silence instead of -Infinity, so levels stay finite and serialisable. */
export const SILENCE_DBFS = -100;

/** Root-mean-square level of a frame, 0..1 of full scale (a full-scale square wave is 1). */
export function rms(frame: Int16Array): number {
  if (frame.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
  return Math.sqrt(sum / frame.length) / 32768;
}

/** An RMS level (0..1) in dB relative to full scale, floored at SILENCE_DBFS. */
export function toDbfs(level: number): number {
  return level > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(level)) : SILENCE_DBFS;
}

/** RMS level of a frame in dBFS (0 = full scale, SILENCE_DBFS for digital silence). */
export function dbfs(frame: Int16Array): number {
  return toDbfs(rms(frame));
}

/** Duration of `samples` samples at `sampleRate`, in milliseconds. */
export function durationMs(samples: number, sampleRate: number = MEDIA_SAMPLE_RATE): number {
  return (samples * 1000) / sampleRate;
}

/** Number of samples in `ms` milliseconds at `sampleRate`, rounded to the nearest sample. */
export function samplesForMs(ms: number, sampleRate: number = MEDIA_SAMPLE_RATE): number {
  return Math.round((ms * sampleRate) / 1000);
}
