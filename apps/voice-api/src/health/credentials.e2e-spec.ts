import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@voice/testing';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';

const DEEPGRAM_KEY = 'dg-test-key-0123456789abcdef';
const LLM_KEY = 'sk-test-llm-key-0123456789abcdef';
const CARTESIA_KEY = 'sk_car_test_key_0123456789abcdef';
const AZURE_SPEECH_KEY = 'azure-speech-test-key-0123456789abcdef';
const WRONG_KEY = 'wrong-key-that-must-stay-secret-0123';
const KEYS = [DEEPGRAM_KEY, LLM_KEY, CARTESIA_KEY, AZURE_SPEECH_KEY, WRONG_KEY];

interface Providers {
  origin: string;
  requests: { method?: string; url?: string; headers: IncomingHttpHeaders }[];
  server: Server;
}

/**
 * One local server answering the providers' credential probes as they do: Deepgram's
 * `GET /v1/projects` (Authorization: Token), the OpenAI models list (Bearer), Cartesia's voices
 * (X-API-Key with a Cartesia-Version), Azure Speech's token request (`POST /sts/v1.0/issueToken`
 * with Ocp-Apim-Subscription-Key, under the resource's endpoint); 401 with an error body echoing
 * what was sent for any other key.
 */
async function startProviders(): Promise<Providers> {
  const requests: Providers['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    const path = req.url;
    const ok =
      req.method === 'GET' &&
      ((path === '/v1/projects' && req.headers.authorization === `Token ${DEEPGRAM_KEY}`) ||
        (path === '/v1/models' && req.headers.authorization === `Bearer ${LLM_KEY}`) ||
        (path === '/voices?limit=1' && req.headers['x-api-key'] === CARTESIA_KEY && Boolean(req.headers['cartesia-version'])));
    if (req.method === 'POST' && path === '/sts/v1.0/issueToken' && req.headers['ocp-apim-subscription-key'] === AZURE_SPEECH_KEY) {
      return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('eyJhbGciOiJ.local.token');
    }
    if (ok) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"projects":[],"data":[]}');
    res
      .writeHead(401, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ err_code: 'INVALID_AUTH', err_msg: `Invalid credentials: ${JSON.stringify(req.headers)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

function cloudEnv(origin: string, keys: { deepgram?: string; cartesiaUrl?: string } = {}) {
  return {
    STT_PROVIDER: 'deepgram',
    DEEPGRAM_URL: origin.replace(/^http/, 'ws'),
    DEEPGRAM_API_KEY: keys.deepgram ?? DEEPGRAM_KEY,
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: `${origin}/v1`,
    LLM_API_KEY: LLM_KEY,
    TTS_PROVIDER: 'cartesia',
    CARTESIA_URL: keys.cartesiaUrl ?? origin,
    CARTESIA_API_KEY: CARTESIA_KEY,
  };
}

function azureSpeechEnv(origin: string, key = AZURE_SPEECH_KEY) {
  return { STT_PROVIDER: 'azure', TTS_PROVIDER: 'azure', AZURE_SPEECH_KEY: key, AZURE_SPEECH_ENDPOINT: origin };
}

const startupLine = (api: VoiceApi, name: string) => logLines(api.logs, new RegExp(`^${name}: `)).map((l) => [l.level >= 40 ? 'warn' : 'info', l.msg ?? '']);

function expectNoKeyIn(api: VoiceApi, ...bodies: unknown[]) {
  const seen = [...api.logs, ...bodies.map((b) => JSON.stringify(b))].join('\n');
  for (const key of KEYS) expect(seen).not.toContain(key);
}

describe('cloud credentials on /health (against a local server speaking Deepgram, OpenAI, Cartesia and Azure Speech)', () => {
  let providers: Providers;
  const apis: VoiceApi[] = [];
  beforeAll(async () => {
    providers = await startProviders();
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    providers?.server.closeAllConnections();
    await new Promise((resolve) => providers?.server.close(resolve));
  });
  beforeEach(() => {
    providers.requests.length = 0;
  });
  const start = async (env: Record<string, string>) => {
    const api = await startVoiceApi(env);
    apis.push(api);
    return api;
  };

  it('verifies each key with one real call at start-up, then answers /health from the verdicts without calling the providers again', async () => {
    const api = await start(cloudEnv(providers.origin));
    expect(providers.requests.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /v1/models', 'GET /v1/projects', 'GET /voices?limit=1']);
    expect(startupLine(api, 'stt:deepgram')).toEqual([['info', 'stt:deepgram: up (Deepgram STT: API key set (model nova-3); Deepgram: credential accepted)']]);
    expect(startupLine(api, 'llm:openai')).toEqual([['info', expect.stringMatching(/^llm:openai: up \(.+; OpenAI: credential accepted\)$/)]]);
    expect(startupLine(api, 'tts:cartesia')).toEqual([['info', expect.stringMatching(/^tts:cartesia: up \(.+; Cartesia: credential accepted\)$/)]]);

    for (let i = 0; i < 3; i++) {
      const res = await api.http.get('/health').expect(200);
      expect(res.body.status).toBe('ok');
      expect(Object.keys(res.body.checks)).toEqual(expect.arrayContaining(['stt:deepgram', 'llm:openai', 'tts:cartesia']));
    }
    expect(providers.requests).toHaveLength(3);
    expectNoKeyIn(api);
  });

  it('answers 503 naming the refused credential, and the key appears neither in the log nor in /health', async () => {
    const api = await start(cloudEnv(providers.origin, { deepgram: WRONG_KEY }));
    expect(startupLine(api, 'stt:deepgram')).toEqual([['warn', 'stt:deepgram: down (Deepgram: credential rejected (401))']]);
    const res = await api.http.get('/health').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.checks['stt:deepgram']).toEqual({ status: 'down', latencyMs: expect.any(Number), error: 'Deepgram: credential rejected (401)' });
    expect(res.body.checks['llm:openai'].status).toBe('up');
    expect(providers.requests.find((r) => r.url === '/v1/projects')?.headers.authorization).toBe(`Token ${WRONG_KEY}`);
    expectNoKeyIn(api, res.body);
  });

  it('tells a provider it cannot reach apart from a refused key: reported down, but the instance stays in rotation ("degraded")', async () => {
    const api = await start(cloudEnv(providers.origin, { cartesiaUrl: `http://127.0.0.1:${await freePort()}` }));
    const res = await api.http.get('/health').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.checks['tts:cartesia']).toEqual({
      status: 'down',
      latencyMs: expect.any(Number),
      error: expect.stringMatching(/^Cartesia: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/),
    });
    expect(res.body.checks['stt:deepgram'].status).toBe('up');
    expectNoKeyIn(api, res.body);
  });

  it('verifies the Azure Speech key once for both stages with one token request, then answers /health from the verdict', async () => {
    const api = await start(azureSpeechEnv(providers.origin));
    expect(providers.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /sts/v1.0/issueToken']);
    const where = `endpoint ${providers.origin}`;
    expect(startupLine(api, 'stt:azure')).toEqual([
      ['info', `stt:azure: up (Azure Speech STT: key set (${where}, language en-US); Azure Speech: credential accepted)`],
    ]);
    expect(startupLine(api, 'tts:azure')).toEqual([
      ['info', `tts:azure: up (Azure Speech TTS: key set (${where}, voice en-US-AvaMultilingualNeural); Azure Speech: credential accepted)`],
    ]);

    for (let i = 0; i < 3; i++) {
      const res = await api.http.get('/health').expect(200);
      expect(res.body.checks['stt:azure'].status).toBe('up');
      expect(res.body.checks['tts:azure'].status).toBe('up');
    }
    expect(providers.requests).toHaveLength(1);
    expectNoKeyIn(api);
  });

  it('answers 503 on both Azure Speech stages when Azure refuses the key, asking once, without the key', async () => {
    const api = await start(azureSpeechEnv(providers.origin, WRONG_KEY));
    expect(providers.requests.map((r) => r.headers['ocp-apim-subscription-key'])).toEqual([WRONG_KEY]);
    expect(startupLine(api, 'stt:azure')).toEqual([['warn', 'stt:azure: down (Azure Speech: credential rejected (401))']]);
    expect(startupLine(api, 'tts:azure')).toEqual([['warn', 'tts:azure: down (Azure Speech: credential rejected (401))']]);
    const res = await api.http.get('/health').expect(503);
    for (const stage of ['stt:azure', 'tts:azure']) {
      expect(res.body.checks[stage]).toEqual({ status: 'down', latencyMs: expect.any(Number), error: 'Azure Speech: credential rejected (401)' });
    }
    expect(providers.requests).toHaveLength(1);
    expectNoKeyIn(api, res.body);
  });
});
