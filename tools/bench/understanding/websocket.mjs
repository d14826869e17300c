// A sample of the benchmark's audio through the real server: a seeded SQLite persistence-api and an
// offline voice-api on free local ports, each utterance streamed in real-time 20 ms frames over the
// WebSocket voice protocol (libs/testing's MediaClient), the caller's final transcripts collected.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupRegistry, freePort, waitForHealth } from '../common.mjs';

const BUILT = [
  'apps/persistence-api/dist/main.js',
  'apps/persistence-api/dist/database/cli.js',
  'apps/voice-api/dist/main.js',
  'libs/testing/dist/media-client.js',
];
const normalise = (text) => text.toLowerCase().split(/\s+/).filter(Boolean).join(' ');

/**
 * Streams `signal(item)` of every item to voice-api and compares its words with `direct(item)`, what
 * the benchmark's own recogniser heard. Returns {compared, agreed, items}, or undefined (with a
 * warning) when the apps are not built.
 */
export async function websocketSample(root, items, signal, direct) {
  const missing = BUILT.filter((f) => !existsSync(join(root, f)));
  if (missing.length) {
    console.warn(`skipping the WebSocket sample: ${missing.join(', ')} not built`);
    return undefined;
  }
  const { add: onCleanup, run: cleanup } = cleanupRegistry();
  try {
    const env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000000' };
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-understanding-'));
    onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const persistenceDir = join(dataDir, 'persistence');
    for (const command of ['migrate', 'seed']) {
      const r = spawnSync('node', ['apps/persistence-api/dist/database/cli.js', command], {
        cwd: root,
        env: { ...env, DATA_DIR: persistenceDir },
        stdio: 'inherit',
      });
      if (r.status !== 0) throw new Error(`persistence ${command} failed`);
    }
    const start = (main, extra) => {
      const child = spawn('node', [join(root, main)], { cwd: root, env: { ...env, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });
      onCleanup(() => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))));
      return child;
    };
    const [pPort, vPort] = [await freePort(), await freePort()];
    const persistenceUrl = `http://127.0.0.1:${pPort}`;
    const voiceUrl = `http://127.0.0.1:${vPort}`;
    await waitForHealth(
      'persistence-api',
      `${persistenceUrl}/health`,
      start('apps/persistence-api/dist/main.js', { PORT: String(pPort), DATA_DIR: persistenceDir }),
    );
    await waitForHealth(
      'voice-api',
      `${voiceUrl}/health`,
      start('apps/voice-api/dist/main.js', { PORT: String(vPort), DATA_DIR: join(dataDir, 'voice'), PERSISTENCE_API_URL: persistenceUrl }),
    );

    const registered = await fetch(`${persistenceUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: 'bench-password-42' }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
    const { accessToken } = await registered.json();
    const { MediaClient } = createRequire(import.meta.url)(join(root, 'libs/testing/dist/media-client.js'));

    const results = [];
    // A session (so a fresh recogniser, as the direct path uses) per utterance.
    for (const item of items) {
      const res = await fetch(`${voiceUrl}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
      if (res.status !== 201) throw new Error(`POST /v1/sessions answered ${res.status}`);
      const client = await MediaClient.connect((await res.json()).connection.url);
      await client.waitFor('ready');
      client.send({ type: 'start' });
      await client.waitFor('transcript', (e) => e.role === 'agent' && e.final, 30_000); // the greeting, played out
      const from = client.events.length;
      // The agent's reply played out before the next utterance (none comes when nothing was heard).
      const replied = client.next('transcript', (e) => e.role === 'agent' && e.final, 10_000).catch(() => undefined);
      await client.stream(signal(item)); // real-time paced; ends with a second of silence
      await replied;
      const heard = client.events
        .slice(from)
        .map((x) => x.event)
        .filter((e) => e.type === 'transcript' && e.role === 'user' && e.final)
        .map((e) => e.text)
        .join(' ');
      const expected = direct(item);
      results.push({
        id: item.phrase.id,
        path: item.path,
        voice: item.voice.id,
        condition: item.condition,
        websocket: heard,
        direct: expected,
        same: normalise(heard) === normalise(expected),
      });
      await client.close();
    }
    return { compared: results.length, agreed: results.filter((r) => r.same).length, items: results };
  } finally {
    await cleanup();
  }
}
