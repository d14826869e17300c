#!/usr/bin/env node
// Voice pipeline benchmark: the built persistence-api (SQLite) and voice-api on free local ports,
// real espeak-ng speech streamed over the WebSocket voice protocol in real-time paced 20 ms frames,
// through the offline pipeline (energy VAD, pocketsphinx, the offline agent, espeak-ng). See README.md.
//   npm run bench:voice -- [--build] [--utterances 20] [--max-sessions 12] [--barge-ins 10]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanupRegistry, fail, freePort, intOption, waitForHealth } from '../common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const BUILD_COMMAND = 'NX_DAEMON=false npx nx run-many -t build -p persistence-api voice-api testing';
const BUILT = [
  'apps/persistence-api/dist/main.js',
  'apps/persistence-api/dist/database/cli.js',
  'apps/voice-api/dist/main.js',
  'libs/agent/dist/testing/index.js',
  'libs/testing/dist/media-client.js',
];

/** The overhead target holds "per turn", so it is judged on p95 (nearly every turn), not on the typical turn. */
const TARGETS = { voiceToVoiceP50Ms: 700, overheadP95Ms: 10, bargeInP50Ms: 100, cutOffPct: 2 };
/** A session keeps up when every turn is answered, no agent frame arrives later than a 200 ms jitter buffer allows, and voice-to-voice p95 stays under 1.5 s. */
const REALTIME = { jitterBufferMs: 200, voiceToVoiceP95Ms: 1500 };

/** Twenty turns a caller might say, in an order the offline agent can follow (it hands off to scheduling and billing and back). */
const SCRIPT = [
  'hello',
  'what are your opening hours',
  'I would like to book an appointment with doctor Alice Smith on Tuesday',
  'no',
  'what is my balance',
  'what is the status of my insurance claim',
  'thank you',
  'are you open on Saturday',
  'I need to schedule an appointment',
  'when is doctor Bob Jones available on Wednesday',
  'no',
  'what are your opening hours',
  'how much do I owe',
  'thanks',
  'what appointments do I have',
  'I would like to see the doctor on Thursday morning',
  'no',
  'what are your opening hours',
  'thank you',
  'goodbye',
];

/**
 * Requests callers say with a pause in the middle, where the words so far announce more; each is
 * spoken with every pause in PAUSES_MS. None of these sentences tunes the clinic's judge.
 */
const PAUSED = [
  ['book with doctor Alice Smith on Tuesday at', 'ten'],
  ['I would like to see', 'doctor Bob Jones on Friday'],
  ['can I book an appointment with', 'doctor Smith'],
  ['I need to move my appointment to', 'Thursday'],
  ['um', 'what are your opening hours'],
  ['is doctor Jones available on', 'Wednesday afternoon'],
  ['cancel my appointment on', 'Monday'],
  ['book me in for', 'tomorrow morning'],
  ['I would like to', 'check my balance'],
];
const PAUSES_MS = [400, 500, 600, 700, 800, 900];
/** Trailing silence after every utterance: longer than the longest end-of-turn wait. */
const TRAILING_SILENCE_MS = 1800;

const { values: args } = parseArgs({
  options: {
    build: { type: 'boolean', default: false },
    utterances: { type: 'string', default: '20' },
    'max-sessions': { type: 'string', default: '12' },
    'barge-ins': { type: 'string', default: '10' },
    pauses: { type: 'string', default: String(PAUSED.length * PAUSES_MS.length) },
  },
});
const int = (name, max) => intOption(args, name, max);
const utterances = int('utterances', 200);
const maxSessions = int('max-sessions', 64);
const bargeIns = int('barge-ins', 50);
const pauses = int('pauses', 200);
const turnSettings = ['END_OF_UTTERANCE_SILENCE_MS', 'END_OF_TURN_MIN_SILENCE_MS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
const command = `${turnSettings.join('')}npm run bench:voice -- --utterances ${utterances} --max-sessions ${maxSessions} --barge-ins ${bargeIns} --pauses ${pauses}`;

const { add: onCleanup, run: cleanup } = cleanupRegistry();
const step = (message) => console.log(`• ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function startApp(name, main, env) {
  const child = spawn('node', [join(root, main)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  onCleanup(() => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))));
  return child;
}

// ---- one conversation turn over the protocol --------------------------------------------------
const load = (file) => createRequire(import.meta.url)(join(root, file));
/** Real speech (espeak-ng) and a client of the WebSocket voice protocol, from their build outputs. */
const testing = () => ({ ...load('libs/agent/dist/testing/index.js'), ...load('libs/testing/dist/media-client.js') });

/** Speaks `text`, waits for the agent's reply to finish playing; returns its metrics and audio lateness. */
async function turn(client, pcm) {
  const { concat, silence } = testing();
  const metrics = client.next('turn_metrics', () => true, 30_000);
  await client.stream(concat(pcm, silence(TRAILING_SILENCE_MS)));
  const m = await metrics.catch(() => undefined);
  if (!m) return undefined;
  const metricsAt = client.events.find((x) => x.event === m).at;
  const done = await client.waitFor('transcript', (e) => e.role === 'agent' && e.final && e.turnId === m.turnId, 60_000);
  const doneAt = client.events.find((x) => x.event === done).at;
  return { ...m.metrics, interrupted: done.interrupted === true, maxLateMs: lateness(client.audio.filter((f) => f.at >= metricsAt - 5 && f.at <= doneAt)) };
}

/** How far behind its real-time schedule (from the first frame on) the latest audio frame arrived. */
function lateness(frames) {
  let late = 0;
  let due = frames[0]?.at;
  for (const f of frames) {
    late = Math.max(late, f.at - due);
    due += f.samples / 16; // 16 samples a millisecond at 16 kHz
  }
  return late;
}

const overhead = (m) => m.voiceToVoiceMs - m.endOfUtteranceMs - m.sttMs - m.llmFirstTokenMs - m.ttsFirstByteMs;

async function openSession(voiceUrl, token) {
  const { MediaClient } = testing();
  const res = await fetch(`${voiceUrl}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 201) throw new Error(`POST /v1/sessions answered ${res.status}: ${await res.text()}`);
  const session = await res.json();
  const client = await MediaClient.connect(session.connection.url);
  await client.waitFor('ready');
  client.send({ type: 'start' });
  await client.waitFor('transcript', (e) => e.role === 'agent' && e.final, 30_000); // the greeting, played out
  return client;
}

/**
 * Speaks `first`, pauses, speaks `second`; a cut-off is a caller turn that ended (its final
 * transcript) before the second part began. Waits for the reply to the whole request to play out.
 */
async function pausedTurn(client, first, pauseMs, second) {
  const { concat, silence } = testing();
  const from = client.events.length;
  const secondFrame = Math.floor((first.length + pauseMs * 16) / 320);
  let secondAt = Infinity;
  await client.stream(concat(first, silence(pauseMs), second, silence(TRAILING_SILENCE_MS)), {
    onFrame: (index, at) => index === secondFrame && (secondAt = at),
  });
  const userTurns = () => client.events.slice(from).filter((x) => x.event.type === 'transcript' && x.event.role === 'user' && x.event.final);
  // The last caller turn's reply, played out (a cut-off request gets two).
  const last = await client.waitFor('transcript', (e) => e.role === 'user' && e.final && userTurns().at(-1)?.event === e, 10_000).catch(() => undefined);
  if (last)
    await client
      .waitFor(
        'transcript',
        (e) => e.role === 'agent' && e.final && client.events.findIndex((x) => x.event === e) > client.events.findIndex((x) => x.event === last),
        60_000,
      )
      .catch(() => undefined);
  return { cutOff: userTurns().some((x) => x.at < secondAt), answered: Boolean(last), heard: userTurns().map((x) => x.event.text) };
}

function summary(turns) {
  const keys = ['endOfUtteranceMs', 'sttMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'voiceToVoiceMs'];
  const rows = keys.map((k) => ({ metric: k, values: turns.map((t) => t[k]).filter((v) => typeof v === 'number') }));
  rows.push({ metric: 'overheadMs', values: turns.map(overhead) });
  return rows.map(({ metric, values }) => ({ metric, n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) }));
}

async function main() {
  const load1m = Number(loadavg()[0].toFixed(2));
  if (load1m > cpus().length / 2) console.warn(`warning: load average ${load1m} on ${cpus().length} CPUs: other work is running, figures will be noisy`);
  if (args.build && spawnSync(BUILD_COMMAND, { cwd: root, shell: true, stdio: 'inherit' }).status !== 0) fail('build failed');
  for (const file of BUILT) if (!existsSync(join(root, file))) fail(`${file} is missing; build first:\n  cd ${root} && ${BUILD_COMMAND}\n(or pass --build)`);
  const { speak, concat, silence } = testing();

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-voice-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const persistenceDir = join(dataDir, 'persistence');
  const cli = spawnSync('node', ['apps/persistence-api/dist/database/cli.js', 'migrate'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: persistenceDir, LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  if (cli.status !== 0) throw new Error('migrations failed');
  if (
    spawnSync('node', ['apps/persistence-api/dist/database/cli.js', 'seed'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'development', DATA_DIR: persistenceDir, LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    }).status !== 0
  )
    throw new Error('seed failed');
  const [pPort, vPort] = [await freePort(), await freePort()];
  const persistenceUrl = `http://127.0.0.1:${pPort}`;
  const voiceUrl = `http://127.0.0.1:${vPort}`;
  // One bench user drives every call: the request-rate limits would measure only themselves.
  const unlimited = { RATE_LIMIT_PER_MINUTE: '1000000' };
  const persistence = startApp('persistence-api', 'apps/persistence-api/dist/main.js', { PORT: String(pPort), DATA_DIR: persistenceDir, ...unlimited });
  await waitForHealth('persistence-api', `${persistenceUrl}/health`, persistence);
  const voice = startApp('voice-api', 'apps/voice-api/dist/main.js', {
    PORT: String(vPort),
    DATA_DIR: join(dataDir, 'voice'),
    PERSISTENCE_API_URL: persistenceUrl,
    MAX_SESSIONS_PER_USER: '100',
    ...unlimited,
  });
  await waitForHealth('voice-api', `${voiceUrl}/health`, voice);
  step(`persistence-api ${persistenceUrl}, voice-api ${voiceUrl} (offline providers)`);

  const registered = await fetch(`${persistenceUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: 'bench-password-42' }),
  });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  const { accessToken } = await registered.json();

  // ---- 1. scripted turns, one session -------------------------------------------------------
  const script = Array.from({ length: utterances }, (_, i) => SCRIPT[i % SCRIPT.length]);
  const speech = new Map(script.map((text) => [text, speak(text)]));
  let client = await openSession(voiceUrl, accessToken);
  const turns = [];
  let unanswered = 0;
  for (const text of script) {
    const t = await turn(client, speech.get(text));
    // The script ends with "goodbye", after which the agent ends the call: a longer run goes on in a new one.
    if (text === 'goodbye') {
      for (let waited = 0; !client.closed && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await client.close();
      client = await openSession(voiceUrl, accessToken);
    }
    if (t) turns.push(t);
    else unanswered++;
  }
  await client.close();
  const single = summary(turns);
  step(`${turns.length} of ${script.length} utterances answered`);
  console.table(single);

  // ---- 2. requests with a pause in the middle: cut-off rate ------------------------------
  const paused = Array.from({ length: pauses }, (_, i) => ({
    parts: PAUSED[i % PAUSED.length],
    pauseMs: PAUSES_MS[Math.floor(i / PAUSED.length) % PAUSES_MS.length],
  }));
  const pausedClient = await openSession(voiceUrl, accessToken);
  const pausedResults = [];
  for (const { parts, pauseMs } of paused) {
    const r = await pausedTurn(pausedClient, speak(parts[0]), pauseMs, speak(parts[1]));
    pausedResults.push({ said: `${parts[0]} … ${parts[1]}`, pauseMs, ...r });
  }
  await pausedClient.close();
  const cutOffs = pausedResults.filter((r) => r.cutOff);
  const cutOff = {
    n: pausedResults.length,
    cutOff: cutOffs.length,
    ratePct: pausedResults.length ? Number(((100 * cutOffs.length) / pausedResults.length).toFixed(1)) : null,
  };
  step(`paused requests: ${JSON.stringify(cutOff)}`);
  for (const r of cutOffs) step(`  cut off: "${r.said}" (${r.pauseMs} ms) heard as ${JSON.stringify(r.heard)}`);

  // ---- 3. concurrent sessions ---------------------------------------------------------------
  const probe = speak('what are your opening hours');
  const levels = [];
  for (let n = 1; n <= maxSessions; n = n < 4 ? n + 1 : n + 2) {
    const clients = await Promise.all(Array.from({ length: n }, () => openSession(voiceUrl, accessToken)));
    const results = [];
    for (let round = 0; round < 3; round++) results.push(...(await Promise.all(clients.map((c) => turn(c, probe)))));
    await Promise.all(clients.map((c) => c.close()));
    const answered = results.filter(Boolean);
    const v2v = answered.map((t) => t.voiceToVoiceMs);
    const level = {
      sessions: n,
      turns: results.length,
      answered: answered.length,
      voiceToVoiceP50Ms: percentile(v2v, 50),
      voiceToVoiceP95Ms: percentile(v2v, 95),
      maxAudioLateMs: Math.round(Math.max(0, ...answered.map((t) => t.maxLateMs))),
    };
    level.realtime = level.answered === level.turns && level.maxAudioLateMs <= REALTIME.jitterBufferMs && level.voiceToVoiceP95Ms <= REALTIME.voiceToVoiceP95Ms;
    levels.push(level);
    step(`${n} concurrent: ${JSON.stringify(level)}`);
    if (!level.realtime) break;
  }
  const largestRealtime = Math.max(0, ...levels.filter((l) => l.realtime).map((l) => l.sessions));

  // ---- 4. barge-in: caller speech onset to `clear` -------------------------------------------
  const interruption = speak('what are your opening hours');
  const onset = interruption.findIndex((s) => Math.abs(s) > 1000);
  const onsetFrame = Math.floor(onset / 320);
  const barge = await openSession(voiceUrl, accessToken);
  const bargeDelays = [];
  for (let i = 0; i < bargeIns; i++) {
    barge.send({ type: 'text', text: 'what are your opening hours' });
    await barge.next('agent_state', (e) => e.state === 'speaking', 30_000);
    await sleep(400);
    let onsetAt;
    const clear = barge.next('clear', () => true, 10_000);
    const answered = barge.next('transcript', (e) => e.role === 'agent' && e.final && !e.interrupted, 30_000);
    await barge.stream(concat(interruption, silence(TRAILING_SILENCE_MS)), { onFrame: (index, at) => index === onsetFrame && (onsetAt = at) });
    const cleared = await clear.catch(() => undefined);
    if (cleared) bargeDelays.push(Math.round(barge.events.find((x) => x.event === cleared).at - onsetAt));
    await answered.catch(() => undefined); // the reply to the interruption, played out
  }
  await barge.close();
  const bargeIn = { n: bargeDelays.length, of: bargeIns, p50: percentile(bargeDelays, 50), p95: percentile(bargeDelays, 95), max: Math.max(...bargeDelays) };
  step(`barge-in (speech onset to clear): ${JSON.stringify(bargeIn)}`);

  const v2vP50 = single.find((r) => r.metric === 'voiceToVoiceMs').p50;
  const overheadP95 = single.find((r) => r.metric === 'overheadMs').p95;
  const verdict = {
    voiceToVoiceP50: `${v2vP50} ms (target < ${TARGETS.voiceToVoiceP50Ms}): ${v2vP50 < TARGETS.voiceToVoiceP50Ms ? 'met' : 'MISSED'}`,
    overheadP95: `${overheadP95} ms p95 (target < ${TARGETS.overheadP95Ms} per turn, judged on p95): ${overheadP95 < TARGETS.overheadP95Ms ? 'met' : 'MISSED'}`,
    bargeInP50: `${bargeIn.p50} ms (target < ${TARGETS.bargeInP50Ms}): ${bargeIn.p50 < TARGETS.bargeInP50Ms ? 'met' : 'MISSED'}`,
    largestRealtimeSessions: largestRealtime,
    cutOffRate: `${cutOff.ratePct} % of ${cutOff.n} paused requests (target < ${TARGETS.cutOffPct}): ${cutOff.ratePct < TARGETS.cutOffPct ? 'met' : 'MISSED'}`,
  };
  console.log('\nResults');
  console.table(verdict);
  console.log(`\nreproduce: ${BUILD_COMMAND} && ${command}`);
  mkdirSync(join(here, 'results'), { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(
    join(here, 'results', 'latest.json'),
    `${JSON.stringify({ at, command, load1mAtStart: load1m, cpus: cpus().length, unanswered, single, cutOff, pausedResults, levels, largestRealtime, bargeIn, verdict }, null, 2)}\n`,
  );
  if (unanswered > script.length / 4 || bargeIn.n === 0) process.exitCode = 1;
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(cleanup);
