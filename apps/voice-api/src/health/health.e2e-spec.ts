import type { HealthResponse } from '@voice/contracts/health';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@voice/testing';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { HealthChecks } from './health-checks';

const up = { status: 'up', latencyMs: expect.any(Number) };
/** The default voice detector and offline speech stages, each with its own check. */
const providers = { 'vad:energy': up, 'stt:offline': up, 'llm:offline': up, 'tts:offline': up };

/** The start-up lines about dependencies, as [level, message]: one per dependency, in this order. */
const DEPENDENCIES = ['persistence-api', 'outbox', 'vad:energy', 'stt:offline', 'llm:offline', 'tts:offline'];
const startupLines = (api: VoiceApi) =>
  logLines(api.logs, new RegExp(`^(${DEPENDENCIES.join('|')}): `)).map((l) => [l.level >= 40 ? 'warn' : 'info', l.msg ?? '']);

describe('GET /health (real persistence-api)', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi();
  });
  afterAll(() => api?.close());

  it('logs one line per dependency at start-up, saying what was found', () => {
    expect(startupLines(api)).toEqual([
      ['info', `persistence-api: up (answers at ${api.config.PERSISTENCE_API_URL.replace(/\/+$/, '')})`],
      ['info', `outbox: up (can write ${api.app.get(TranscriptOutbox).dir})`],
      ['info', 'vad:energy: up (energy voice activity detector ready)'],
      ['info', expect.stringMatching(/^stt:offline: up \(pocketsphinx warm decoder running/)],
      ['info', expect.stringMatching(/^llm:offline: up \(.+\)$/)],
      ['info', expect.stringMatching(/^tts:offline: up \(.+\)$/)],
    ]);
  });

  it('answers 200 with persistence-api, the outbox and the speech providers up, uncached, needing no sign-in', async () => {
    const res = await api.http.get('/health').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toStrictEqual({ status: 'ok', checks: { 'persistence-api': up, outbox: up, ...providers } } satisfies Record<
      keyof HealthResponse,
      unknown
    >);
  });

  it('takes more checks through HealthChecks.register, and names the failing one', async () => {
    const checks = api.app.get(HealthChecks);
    checks.register({ name: 'tts', check: async () => Promise.reject(new Error('espeak-ng is not installed')) });
    try {
      const res = await api.http.get('/health').expect(503);
      expect(res.body).toStrictEqual({
        status: 'error',
        checks: {
          'persistence-api': up,
          outbox: up,
          ...providers,
          tts: { status: 'down', latencyMs: expect.any(Number), error: 'espeak-ng is not installed' },
        },
      });
      expect(() => checks.register({ name: 'tts', check: async () => undefined })).toThrow('health check "tts" is registered twice');
    } finally {
      checks.probes.splice(
        checks.probes.findIndex((p) => p.name === 'tts'),
        1,
      );
    }
    await api.http.get('/health').expect(200);
  });

  it('reports the outbox down, and only then, when it cannot write its directory', async () => {
    const pending = api.app.get(TranscriptOutbox).pendingDir;
    rmSync(pending, { recursive: true });
    writeFileSync(pending, 'a file where the directory was');
    try {
      const res = await api.http.get('/health').expect(503);
      expect(res.body.checks['persistence-api']).toEqual(up);
      expect(res.body.checks.outbox).toEqual({ status: 'down', latencyMs: expect.any(Number), error: expect.stringContaining('ENOTDIR') });
    } finally {
      rmSync(pending);
    }
  });
});

describe('GET /health while persistence-api cannot be reached', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ PERSISTENCE_API_URL: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => api?.close());

  it('says so at start-up, as a warning, and still starts', () => {
    const lines = startupLines(api);
    expect(lines.map(([, msg]) => DEPENDENCIES.find((d) => msg.startsWith(`${d}: `)))).toEqual(DEPENDENCIES);
    expect(lines[0]).toEqual(['warn', expect.stringMatching(/^persistence-api: down \(persistence-api is unreachable at .*: ECONNREFUSED\)$/)]);
  });

  it('stays in rotation: answers 200 "degraded" naming persistence-api, with the outbox still up', async () => {
    const res = await api.http.get('/health').expect(200);
    expect(res.body).toStrictEqual({
      status: 'degraded',
      checks: {
        'persistence-api': {
          status: 'down',
          latencyMs: expect.any(Number),
          error: expect.stringMatching(/^persistence-api is unreachable at .*: ECONNREFUSED$/),
        },
        outbox: up,
        ...providers,
      },
    });
  });
});

describe('GET /health while persistence-api accepts connections but never answers', () => {
  let api: VoiceApi;
  let silent: Server;
  beforeAll(async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    api = await startVoiceApi({ PERSISTENCE_API_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await api?.close();
    silent?.closeAllConnections();
    await new Promise((r) => silent?.close(r));
  });

  it('answers 200 "degraded" with its own bounded message instead of waiting', async () => {
    const res = await api.http.get('/health').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.checks['persistence-api']).toEqual({
      status: 'down',
      latencyMs: expect.any(Number),
      error: 'persistence-api did not answer GET /health within 700 ms',
    });
  });
});
