#!/usr/bin/env node
// Understanding benchmark: does the offline recogniser + parser get what callers mean? Every phrase of
// phrases.json, spoken by espeak-ng voices, clean and with noise, through the browser (16 kHz WebSocket)
// and phone (8 kHz μ-law) paths, into pocketsphinx with the clinic grammar; scored by WER, intent, slots
// and whole-task success, all and on the held-out quarter. A sample also goes through a real voice-api
// over the WebSocket protocol to check it hears the same. See README.md.
//   npm run bench:understanding -- [--build] [--quick] [--voices N] [--paths web-16k,phone-8k-mulaw] [--tuning] [--jobs 2] [--ws-sample 12] [--self-test]
// --tuning drops the held-out quarter before anything is spoken, scored or printed: use it while tuning.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fail, intOption } from '../common.mjs';
import { addNoise, audioLib, seedOf, VOICES } from './audio.mjs';
import { DOCTORS, recogniserFactory } from './recognise.mjs';
import { scoreUtterance, summarise } from './score.mjs';
import { websocketSample } from './websocket.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const BUILD_COMMAND = 'NX_DAEMON=false npx nx run-many -t build -p persistence-api voice-api testing clinic';
const BUILT = ['libs/agent/dist/stt/index.js', 'libs/clinic/dist/offline/index.js', 'libs/clinic/dist/recognition/index.js'];
const SNR_DB = 20;
const CONDITIONS = ['clean', `noise-${SNR_DB}dB`];
const PATHS = ['web-16k', 'phone-8k-mulaw'];
/** Issue 14's targets, on the held-out quarter. */
const TARGETS = [
  { path: 'web-16k', condition: 'clean', successPct: 90 },
  { path: 'phone-8k-mulaw', condition: `noise-${SNR_DB}dB`, successPct: 80 },
];

const { values: args } = parseArgs({
  options: {
    build: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    tuning: { type: 'boolean', default: false },
    voices: { type: 'string' },
    paths: { type: 'string' },
    'self-test': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '2' },
    'ws-sample': { type: 'string', default: '12' },
  },
});
if (args['self-test']) {
  const r = spawnSync(process.execPath, ['--test', join(here, 'score.test.mjs'), join(here, 'align.test.mjs')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const jobs = intOption(args, 'jobs', 16);
const wsSample = args['ws-sample'] === '0' ? 0 : intOption(args, 'ws-sample', 100);
const voiceCount = args.voices === undefined ? undefined : intOption(args, 'voices', VOICES.length);
const paths = args.paths === undefined ? PATHS : args.paths.split(',').filter(Boolean);
for (const p of paths) if (!PATHS.includes(p)) fail(`--paths: unknown path "${p}"; known: ${PATHS.join(', ')}`);
const command = [
  'npm run bench:understanding --',
  args.tuning ? ' --tuning' : '',
  args.quick ? ' --quick' : '',
  voiceCount !== undefined ? ` --voices ${voiceCount}` : '',
  args.paths !== undefined ? ` --paths ${paths.join(',')}` : '',
  ` --jobs ${jobs} --ws-sample ${wsSample}`,
].join('');
const step = (message) => console.log(`• ${message}`);

async function main() {
  const load1m = Number(loadavg()[0].toFixed(2));
  if (load1m > cpus().length / 2) console.warn(`warning: load average ${load1m} on ${cpus().length} CPUs: other work is running, times will be noisy`);
  if (args.build && spawnSync(BUILD_COMMAND, { cwd: root, shell: true, stdio: 'inherit' }).status !== 0) fail('build failed');
  for (const file of BUILT) if (!existsSync(join(root, file))) fail(`${file} is missing; build first:\n  cd ${root} && ${BUILD_COMMAND}\n(or pass --build)`);
  const seed = readFileSync(join(root, 'apps/persistence-api/src/database/seed.ts'), 'utf8');
  for (const name of DOCTORS) if (!seed.includes(`'${name}'`)) fail(`${name} is no longer seeded: update DOCTORS in ${join(here, 'recognise.mjs')}`);

  const { parseUtterance } = createRequire(import.meta.url)(join(root, 'libs/clinic/dist/offline/index.js'));
  const allPhrases = JSON.parse(readFileSync(join(here, 'phrases.json'), 'utf8'));
  // Tuning never sees the held-out quarter: dropped here, before anything is spoken, scored or printed.
  const phrases = args.tuning ? allPhrases.filter((p) => !p.heldOut) : allPhrases;
  if (args.tuning) step(`tuning set only: ${phrases.length} phrases, the ${allPhrases.length - phrases.length} held-out phrases dropped unseen`);
  const voices = VOICES.slice(0, voiceCount ?? (args.quick ? 1 : VOICES.length));
  const audio = audioLib(root);
  const signal = (phrase, voice, condition, path) => {
    const clean = audio.speak(phrase.text, voice);
    const pcm48 = condition === 'clean' ? clean : addNoise(clean, SNR_DB, seedOf(`${voice.id}/${phrase.id}`));
    return path === 'web-16k' ? audio.web(pcm48) : audio.phone(pcm48);
  };
  const score = (phrase, hypothesis) => scoreUtterance(phrase, parseUtterance(phrase.text), parseUtterance(hypothesis), DOCTORS);

  // ---- the parser alone, on the phrase as written: the ceiling recognition can reach ------------
  const rows = phrases.map((p) => ({ id: p.id, heldOut: p.heldOut, path: 'text', condition: 'typed', voice: '-', hypothesis: p.text, ...score(p, p.text) }));

  // ---- every phrase × voice × condition × path through the recogniser ------------------------
  const work = phrases.flatMap((phrase) =>
    voices.flatMap((voice) => CONDITIONS.flatMap((condition) => paths.map((path) => ({ phrase, voice, condition, path })))),
  );
  step(
    `${work.length} utterances (${phrases.length} phrases × ${voices.length} voices × ${CONDITIONS.length} conditions × ${paths.length} paths), ${jobs} decoders`,
  );
  const createRecogniser = recogniserFactory(root, DOCTORS);
  const started = Date.now();
  let next = 0;
  let endedBySilence = 0;
  const failures = []; // counted as nothing heard
  const worker = async () => {
    const recogniser = createRecogniser();
    while (next < work.length) {
      const { phrase, voice, condition, path } = work[next++];
      const heard = await recogniser.recognise(signal(phrase, voice, condition, path)).catch((err) => {
        failures.push(`${phrase.id} ${voice.id} ${condition} ${path}: ${err.message}`);
        return { text: '', turns: 0, endedBySilence: false, ms: undefined };
      });
      if (heard.endedBySilence) endedBySilence++;
      rows.push({
        id: phrase.id,
        heldOut: phrase.heldOut,
        path,
        condition,
        voice: voice.id,
        hypothesis: heard.text,
        turns: heard.turns,
        ms: heard.ms,
        ...score(phrase, heard.text),
      });
      if (rows.length % 100 === 0) step(`${rows.length - phrases.length} of ${work.length} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const seconds = Math.round((Date.now() - started) / 1000);
  for (const f of failures) console.warn(`recognition failed (counted as nothing heard): ${f}`);
  step(`recognised in ${seconds} s; the turn detector ended ${endedBySilence} of ${work.length} utterances by silence (the rest ran out of audio first)`);

  // ---- tables: path × condition × (all | held-out) -------------------------------------------
  const table = [];
  const splits = args.tuning ? ['tuning'] : ['all', 'held-out'];
  for (const [path, condition] of [['text', 'typed'], ...paths.flatMap((p) => CONDITIONS.map((c) => [p, c]))]) {
    for (const split of splits) {
      const picked = rows.filter((r) => r.path === path && r.condition === condition && (split !== 'held-out' || r.heldOut));
      table.push({ path, condition, split, ...summarise(picked) });
    }
  }
  console.log('\nUnderstanding (WER, intent, slot and task success in %; recognition ms from end of turn to words, p50/p95)');
  console.table(table);
  const byVoice = voices.map((v) => ({ voice: v.id, ...summarise(rows.filter((r) => r.voice === v.id && r.condition === 'clean' && r.path === 'web-16k')) }));
  console.log('Clean web-16k by voice');
  console.table(byVoice);

  // The targets are judged on the held-out quarter only: a tuning run has no verdict.
  const verdict = args.tuning
    ? undefined
    : TARGETS.filter((t) => paths.includes(t.path)).map((t) => {
        const got = table.find((r) => r.path === t.path && r.condition === t.condition && r.split === 'held-out').successPct;
        return { target: `${t.path} ${t.condition}, held-out task success ≥ ${t.successPct} %`, got, met: got >= t.successPct };
      });
  if (verdict) console.table(verdict);
  else console.log('tuning run: no verdict (the targets are judged on the held-out quarter, which this run did not use)');

  // ---- the same audio through a real voice-api over the WebSocket protocol ---------------------
  let websocket;
  if (wsSample > 0) {
    const sample = paths.flatMap((path) =>
      phrases
        .filter((_, i) => i % Math.ceil(phrases.length / wsSample) === 0)
        .slice(0, wsSample)
        .map((phrase, i) => ({ phrase, path, voice: voices[i % voices.length], condition: CONDITIONS[i % CONDITIONS.length] })),
    );
    websocket = await websocketSample(
      root,
      sample,
      (s) => signal(s.phrase, s.voice, s.condition, s.path),
      (s) => rows.find((r) => r.id === s.phrase.id && r.path === s.path && r.voice === s.voice.id && r.condition === s.condition).hypothesis,
    );
    if (websocket) step(`voice-api over WebSocket heard the same words as the direct recogniser for ${websocket.agreed} of ${websocket.compared} utterances`);
  }

  console.log(`\nreproduce: ${BUILD_COMMAND} && ${command}`);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results', args.tuning ? 'tuning.json' : 'latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), command, tuning: args.tuning, load1mAtStart: load1m, cpus: cpus().length, seconds, voices, snrDb: SNR_DB, failures, table, byVoice, verdict, websocket, rows }, null, 2)}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
