#!/usr/bin/env node
// Which browser capture settings let the offline recogniser understand callers best? Every phrase of
// the split (tuning three quarters by default), spoken by one voice, clean and with noise, is played
// as one long recording through Chromium's fake microphone, opened with each set of getUserMedia
// constraints under test and captured by the web app's own worklet at 16 kHz (browser-capture.mjs).
// The capture is aligned with the recording, cut back into phrases and recognised and scored as
// run.mjs does; the row "none (no browser)" is the same audio through the bench's web-16k path.
//   npm run bench:capture -- [--split tuning|held-out|all] [--limit N] [--jobs 2] [--settings ec+ns+agc,ec+ns,ec,none]
//                            [--conditions clean,noise-20dB,quiet-30dB]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fail, intOption } from '../common.mjs';
import { alignSegments } from './align.mjs';
import { addNoise, audioLib, seedOf, VOICES } from './audio.mjs';
import { captureThroughChromium, wavBytes } from './browser-capture.mjs';
import { DOCTORS, recogniserFactory } from './recognise.mjs';
import { scoreUtterance, summarise } from './score.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const MIC_RATE = 48_000;
const RATE = 16_000;
const SNR_DB = 20;
/** Silence between phrases, on top of each phrase's own 0.3 s before and 1 s after: a caller waiting for the answer. */
const GAP_MS = 1500;
/** The constraint sets that can be asked for; `ec+ns+agc` is what browsers give by default. */
const SETTINGS = {
  'ec+ns+agc': { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  'ec+ns': { echoCancellation: true, noiseSuppression: true, autoGainControl: false },
  'ec+agc': { echoCancellation: true, noiseSuppression: false, autoGainControl: true },
  ec: { echoCancellation: true, noiseSuppression: false, autoGainControl: false },
  none: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
};

const { values: args } = parseArgs({
  options: {
    split: { type: 'string', default: 'tuning' },
    limit: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    settings: { type: 'string', default: 'ec+ns+agc,ec+ns,ec,none' },
    conditions: { type: 'string', default: `clean,noise-${SNR_DB}dB` },
  },
});
if (!['tuning', 'held-out', 'all'].includes(args.split)) fail('--split must be tuning, held-out or all');
const names = args.settings.split(',');
for (const name of names) if (!SETTINGS[name]) fail(`--settings: unknown "${name}"; choose from ${Object.keys(SETTINGS).join(', ')}`);
const CONDITIONS = {
  clean: (pcm) => pcm,
  [`noise-${SNR_DB}dB`]: (pcm) => addNoise(pcm, SNR_DB, seedOf(`capture/${VOICES[0].id}`)),
  /** A microphone far away or turned down: the same speech 30 dB quieter. */
  'quiet-30dB': (pcm) => Int16Array.from(pcm, (v) => Math.round(v / 31.6)),
};
const conditionNames = args.conditions.split(',');
for (const name of conditionNames) if (!CONDITIONS[name]) fail(`--conditions: unknown "${name}"; choose from ${Object.keys(CONDITIONS).join(', ')}`);
const jobs = intOption(args, 'jobs', 16);
const limit = args.limit === undefined ? Infinity : intOption(args, 'limit', 1000);
const command = `npm run bench:capture -- --split ${args.split}${args.limit ? ` --limit ${limit}` : ''} --jobs ${jobs} --settings ${names.join(',')} --conditions ${conditionNames.join(',')}`;
const step = (message) => console.log(`• ${message}`);

async function main() {
  const load1m = Number(loadavg()[0].toFixed(2));
  if (load1m > cpus().length / 2) console.warn(`warning: load average ${load1m} on ${cpus().length} CPUs: Chromium may glitch its real-time capture`);
  const { parseUtterance } = createRequire(import.meta.url)(join(root, 'libs/clinic/dist/offline/index.js'));
  const phrases = JSON.parse(readFileSync(join(here, 'phrases.json'), 'utf8'))
    .filter((p) => args.split === 'all' || p.heldOut === (args.split === 'held-out'))
    .slice(0, limit);
  const audio = audioLib(root);
  const voice = VOICES[0];
  const createRecogniser = recogniserFactory(root, DOCTORS);
  const dir = join(tmpdir(), `voice-bench-capture-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });

  // One recording per condition: the phrases one after another, as one caller would say them.
  const spoken = phrases.map((p) => audio.speak(p.text, voice));
  const gap = (GAP_MS * MIC_RATE) / 1000;
  const clean = new Int16Array(spoken.reduce((n, s) => n + s.length + gap, gap));
  const segments = []; // [start, end) in 16 kHz samples
  let at = gap;
  for (const s of spoken) {
    clean.set(s, at);
    segments.push([Math.round(at / 3), Math.round((at + s.length) / 3)]);
    at += s.length + gap;
  }
  const conditions = Object.fromEntries(conditionNames.map((name) => [name, CONDITIONS[name](clean)]));
  const durationMs = Math.round((clean.length / MIC_RATE) * 1000);
  step(
    `${phrases.length} phrases (${args.split}), voice ${voice.id}, ${Object.keys(conditions).length} conditions × (${names.length} capture settings + no browser); ${Math.round(durationMs / 1000)} s of speech per capture`,
  );

  const captures = [];
  for (const [condition, pcm48] of Object.entries(conditions)) {
    const wav = join(dir, `${condition}.wav`);
    writeFileSync(wav, wavBytes(pcm48, MIC_RATE));
    const reference = audio.web(pcm48);
    captures.push({ condition, setting: 'none (no browser)', pcm: reference, reference, segments });
    step(`${condition}: capturing through Chromium with ${names.join(', ')} at once (${Math.round(durationMs / 1000) + 3} s)`);
    const results = await Promise.all(names.map((name) => captureThroughChromium(root, wav, SETTINGS[name], durationMs + 3000)));
    names.forEach((name, i) => captures.push({ condition, setting: name, pcm: results[i].pcm, reference, segments, track: results[i].settings }));
  }

  const work = [];
  for (const c of captures) {
    const aligned = c.pcm === c.reference ? { segments: c.segments, lagsMs: [0] } : alignSegments(c.reference, c.pcm, c.segments, RATE);
    c.lagsMs = aligned.lagsMs;
    c.clippedPct = (100 * c.pcm.filter((v) => v >= 32767 || v <= -32768).length) / c.pcm.length;
    aligned.segments.forEach(([start, end], i) => work.push({ capture: c, phrase: phrases[i], pcm: c.pcm.slice(Math.max(0, start), end) }));
  }
  step(`${work.length} utterances to recognise, ${jobs} decoders`);
  const rows = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      const recogniser = createRecogniser();
      while (next < work.length) {
        const { capture, phrase, pcm } = work[next++];
        const heard = await recogniser.recognise(pcm).catch(() => ({ text: '' }));
        rows.push({
          condition: capture.condition,
          setting: capture.setting,
          id: phrase.id,
          hypothesis: heard.text,
          ...scoreUtterance(phrase, parseUtterance(phrase.text), parseUtterance(heard.text), DOCTORS),
        });
      }
    }),
  );

  const table = captures.map((c) => {
    const s = summarise(rows.filter((r) => r.condition === c.condition && r.setting === c.setting));
    const lag = c.lagsMs.length > 1 ? `${Math.min(...c.lagsMs)}–${Math.max(...c.lagsMs)}` : String(c.lagsMs[0]);
    return {
      condition: c.condition,
      capture: c.setting,
      n: s.n,
      werPct: s.werPct,
      intentPct: s.intentPct,
      slotPct: s.slotPct,
      successPct: s.successPct,
      clippedPct: +c.clippedPct.toFixed(3),
      lagMs: lag,
    };
  });
  console.log('\nBrowser capture settings (WER, intent, slot and task success in %; clipped: samples at full scale)');
  console.table(table);
  console.log(`reproduce: ${command}   (build first: NX_DAEMON=false npx nx run-many -t build -p agent clinic)`);
  console.log(`load average at the start: ${load1m} on ${cpus().length} CPUs`);
  mkdirSync(join(here, 'results'), { recursive: true });
  const tracks = Object.fromEntries(captures.filter((c) => c.track).map((c) => [`${c.condition} ${c.setting}`, c.track]));
  writeFileSync(join(here, 'results', 'capture.json'), `${JSON.stringify({ command, load1m, table, tracks, rows }, null, 1)}\n`);
}

main().catch((err) => fail(err.stack ?? String(err)));
