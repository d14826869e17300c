import { createServer } from 'node:net';
import { OpenAiLlm } from '../llm/openai-llm';
import { DeepgramStt } from '../stt/deepgram-stt';
import { OpenAiStt } from '../stt/openai-stt';
import { CartesiaTts } from '../tts/cartesia-tts';
import { OpenAiTts } from '../tts/openai-tts';
import { CredentialCache } from './credential-cache';
import { runCredentialProbe, type CredentialProbe } from './credential-probe';
import { startLocalServer, type LocalServer, type RecordedRequest } from './testing/local-server';

const KEY = 'test-key-0123456789abcdef';
const WRONG = 'wrong-key-fedcba9876543210';

/** A local server that answers `path` with 200 when `authorized(request)`, else with the provider's 401 body (which echoes the key sent). */
async function startProvider(path: string, authorized: (req: RecordedRequest) => boolean, unauthorizedBody: (req: RecordedRequest) => string) {
  return startLocalServer((req, res) => {
    if (req.method !== 'GET' || req.url !== path) return void res.writeHead(404).end(`no route for ${req.method} ${req.url}`);
    if (!authorized(req)) return void res.writeHead(401, { 'Content-Type': 'application/json' }).end(unauthorizedBody(req));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"data":[]}');
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function required(probe: CredentialProbe | undefined): CredentialProbe {
  if (!probe) throw new Error('expected a credential probe');
  return probe;
}

describe("credential probes (against local servers speaking each provider's protocol)", () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const cases: {
    name: string;
    path: string;
    authorized: (req: RecordedRequest) => boolean;
    probe: (origin: string, key: string) => CredentialProbe | undefined;
  }[] = [
    {
      name: 'Deepgram: GET /v1/projects on the streaming host, Authorization: Token',
      path: '/v1/projects',
      authorized: (req) => req.headers.authorization === `Token ${KEY}`,
      probe: (origin, key) => new DeepgramStt({ apiKey: key, baseUrl: origin.replace(/^http/, 'ws') }).credentialProbe(),
    },
    {
      name: 'OpenAI STT: GET /v1/models, Authorization: Bearer',
      path: '/v1/models',
      authorized: (req) => req.headers.authorization === `Bearer ${KEY}`,
      probe: (origin, key) => new OpenAiStt({ apiKey: key, baseUrl: `${origin}/v1` }).credentialProbe(),
    },
    {
      name: 'OpenAI TTS: GET /v1/models, Authorization: Bearer',
      path: '/v1/models',
      authorized: (req) => req.headers.authorization === `Bearer ${KEY}`,
      probe: (origin, key) => new OpenAiTts({ apiKey: key, baseUrl: `${origin}/v1` }).credentialProbe(),
    },
    {
      name: 'OpenAI-compatible LLM: GET {LLM_BASE_URL}/models, Authorization: Bearer',
      path: '/v1/models',
      authorized: (req) => req.headers.authorization === `Bearer ${KEY}`,
      probe: (origin, key) => new OpenAiLlm({ apiKey: key, baseUrl: `${origin}/v1`, model: 'gpt-4o-mini' }).credentialProbe(),
    },
    {
      name: 'Azure OpenAI: GET /openai/models?api-version beside the deployment, api-key header',
      path: '/openai/models?api-version=2024-10-21',
      authorized: (req) => req.headers['api-key'] === KEY && req.headers.authorization === undefined,
      probe: (origin, key) =>
        new OpenAiLlm({ apiKey: key, baseUrl: `${origin}/openai/deployments/gpt-4o-mini`, model: '', azureApiVersion: '2024-10-21' }).credentialProbe(),
    },
    {
      name: 'Cartesia: GET /voices?limit=1, X-API-Key and Cartesia-Version',
      path: '/voices?limit=1',
      authorized: (req) => req.headers['x-api-key'] === KEY && req.headers['cartesia-version'] === '2025-04-16',
      probe: (origin, key) => new CartesiaTts({ apiKey: key, baseUrl: origin }).credentialProbe(),
    },
  ];

  it.each(cases)('$name: accepted on 200, "credential rejected (401)" on 401, never naming the key', async ({ path, authorized, probe }) => {
    server = await startProvider(path, authorized, (req) =>
      JSON.stringify({ error: { message: `Incorrect API key provided: ${JSON.stringify(req.headers)}` } }),
    );
    const good = await runCredentialProbe(required(probe(server.origin, KEY)));
    expect(good.outcome).toBe('accepted');
    expect(good.detail).toMatch(/^[\w ]+: credential accepted$/);

    const bad = await runCredentialProbe(required(probe(server.origin, WRONG)));
    expect(bad).toEqual({ outcome: 'rejected', detail: expect.stringMatching(/^[\w ]+: credential rejected \(401\)$/) });
    expect(server.requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', path],
      ['GET', path],
    ]);
    expect(JSON.stringify([good, bad, required(probe(server.origin, KEY)).id])).not.toMatch(new RegExp(`${KEY}|${WRONG}`));
  });

  it('has no probe without a key (a keyless Ollama or vLLM endpoint has no credential to verify)', () => {
    expect(new OpenAiLlm({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' }).credentialProbe()).toBeUndefined();
    expect(new DeepgramStt({}).credentialProbe()).toBeUndefined();
    expect(new CartesiaTts({}).credentialProbe()).toBeUndefined();
  });

  it('tells an unreachable provider, or one failing for its own reasons, apart from a refused key, without echoing the key', async () => {
    const closed = await runCredentialProbe(required(new OpenAiTts({ apiKey: KEY, baseUrl: `http://127.0.0.1:${await freePort()}/v1` }).credentialProbe()));
    expect(closed).toEqual({ outcome: 'unavailable', detail: expect.stringMatching(/^OpenAI: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/) });

    server = await startLocalServer((req, res) => void res.writeHead(503).end(`overloaded, try again (your key was ${String(req.headers.authorization)})`));
    const failing = await runCredentialProbe(required(new OpenAiTts({ apiKey: KEY, baseUrl: `${server.origin}/v1` }).credentialProbe()));
    expect(failing).toEqual({ outcome: 'unavailable', detail: 'OpenAI: 503 overloaded, try again (your key was Bearer ***)' });
  });
});

describe('CredentialCache', () => {
  let calls = 0;
  let answer: 'ok' | 'refused' = 'ok';
  let clock = 0;
  const probe: CredentialProbe = {
    provider: 'Example',
    id: 'example',
    verify: async () => {
      calls++;
      if (answer === 'refused') throw Object.assign(new Error('Example: 401 no'), { status: 401 });
    },
  };
  beforeEach(() => {
    calls = 0;
    answer = 'ok';
    clock = 0;
  });
  const cache = () => new CredentialCache({ acceptedTtlMs: 300_000, failedTtlMs: 30_000, now: () => clock });

  it('asks the provider once for concurrent questions, then answers from memory until the verdict expires', async () => {
    const credentials = cache();
    const first = await Promise.all([credentials.verdict(probe), credentials.verdict(probe), credentials.verdict({ ...probe })]);
    expect(first.map((v) => v.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(calls).toBe(1);

    clock = 299_999;
    await credentials.verdict(probe);
    expect(calls).toBe(1);

    // Expired: the last verdict is answered at once while one refresh runs in the background.
    answer = 'refused';
    clock = 300_000;
    expect((await Promise.all([credentials.verdict(probe), credentials.verdict(probe)])).map((v) => v.outcome)).toEqual(['accepted', 'accepted']);
    expect(calls).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await credentials.verdict(probe)).toEqual({ outcome: 'rejected', detail: 'Example: credential rejected (401)' });
  });

  it('asks again sooner after a refusal, so a fixed key is noticed within the shorter TTL', async () => {
    const credentials = cache();
    answer = 'refused';
    expect((await credentials.verdict(probe)).outcome).toBe('rejected');
    answer = 'ok';
    clock = 30_000;
    await credentials.verdict(probe);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await credentials.verdict(probe)).toEqual({ outcome: 'accepted', detail: 'Example: credential accepted' });
    expect(calls).toBe(2);
  });
});
