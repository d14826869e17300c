// The aligner's tests (node:test): `npm run bench:understanding -- --self-test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignSegments } from './align.mjs';

const RATE = 16_000;
const ms = (n) => (n * RATE) / 1000;

/** Bursts of a tone of different lengths with silences between: segments [start, end) around each. */
function recording() {
  const lengths = [400, 900, 250, 1300, 600, 700];
  const pcm = new Int16Array(ms(lengths.reduce((n, l) => n + l + 800, 800)));
  const segments = [];
  let at = ms(800);
  for (const l of lengths) {
    for (let i = 0; i < ms(l); i++) pcm[at + i] = Math.round(8000 * Math.sin(i / 3) * (1 + (i % 97) / 97));
    segments.push([at - ms(200), at + ms(l) + ms(300)]);
    at += ms(l) + ms(800);
  }
  return { pcm, segments };
}

/** `pcm` heard `delayMs` late, `gain` louder, with `extraMs` more delay from `fromSample` on (a drifting clock), and a little noise. */
function captured(pcm, { delayMs, gain = 1, extraMs = 0, fromSample = Infinity }) {
  const out = new Int16Array(pcm.length + ms(delayMs + extraMs + 500));
  for (let i = 0; i < pcm.length; i++) {
    const j = i + ms(delayMs) + (i >= fromSample ? ms(extraMs) : 0);
    out[j] = Math.max(-32768, Math.min(32767, Math.round(pcm[i] * gain)));
  }
  for (let i = 0; i < out.length; i++) out[i] += ((i * 7919) % 61) - 30;
  return out;
}

test('finds one delay for the whole capture, whatever its gain', () => {
  const { pcm, segments } = recording();
  const { segments: moved, lagsMs } = alignSegments(pcm, captured(pcm, { delayMs: 230, gain: 2.5 }), segments, RATE);
  assert.deepEqual(
    lagsMs,
    segments.map(() => 230),
  );
  assert.deepEqual(moved[3], [segments[3][0] + ms(230), segments[3][1] + ms(230)]);
});

test('finds a capture that started after the recording did (its first words missing)', () => {
  const { pcm, segments } = recording();
  const late = captured(pcm, { delayMs: 0 }).subarray(ms(170));
  assert.deepEqual(
    alignSegments(pcm, late, segments, RATE).lagsMs,
    segments.map(() => -170),
  );
});

test('follows a capture that falls further behind part-way', () => {
  const { pcm, segments } = recording();
  const { lagsMs } = alignSegments(pcm, captured(pcm, { delayMs: 120, extraMs: 60, fromSample: segments[3][0] }), segments, RATE);
  assert.deepEqual(lagsMs, [120, 120, 120, 180, 180, 180]);
});
