import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { PersistenceClient } from './persistence-client';
import { PersistenceError } from './persistence-error';

const SECRET = 'unit-test-service-secret-0123456789';

interface Seen {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

/**
 * A local stand-in for persistence-api's token endpoint and one conversations route, speaking
 * its contracts (libs/contracts/persistence), so the client's token handling can be driven.
 */
class FakePersistence {
  server: Server;
  url = '';
  seen: Seen[] = [];
  issued = 0;
  expiresIn = 900;
  /** Tokens the fake accepts; a test can revoke them. */
  valid = new Set<string>();
  /** When set, the data route answers this way instead. */
  answer?: (res: ServerResponse) => void;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    const url = new URL(req.url ?? '/', this.url);
    this.seen.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization, body });
    const json = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));

    if (url.pathname === '/v1/auth/token') {
      if (body?.client_secret !== SECRET) return json(401, { error: { code: 'unauthorized', message: 'Unknown client or wrong client secret' } });
      const token = `token-${++this.issued}`;
      this.valid.add(token);
      return json(200, { access_token: token, token_type: 'Bearer', expires_in: this.expiresIn, scope: 'conversations:write' });
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!this.valid.has(token)) return json(401, { error: { code: 'unauthorized', message: 'Access token is invalid: sign in again' } });
    if (this.answer) return this.answer(res);
    const now = new Date().toISOString();
    return json(201, {
      id: body?.id ?? randomUUID(),
      userId: body?.userId ?? null,
      externalParty: null,
      channel: 'web',
      agent: body?.agent ?? 'receptionist',
      title: null,
      status: 'active',
      startedAt: now,
      endedAt: null,
      lastMessageAt: null,
      messageCount: 0,
    });
  }
}

describe('PersistenceClient (against a local server speaking persistence-api contracts)', () => {
  let fake: FakePersistence;
  let clock: number;
  const client = (overrides: { clientSecret?: string; timeoutMs?: number } = {}) =>
    new PersistenceClient({ baseUrl: `${fake.url}/`, clientId: 'voice-api', clientSecret: SECRET, timeoutMs: 2_000, now: () => clock, ...overrides });
  const userId = randomUUID();
  const dataCalls = () => fake.seen.filter((s) => s.path !== '/v1/auth/token');

  beforeEach(async () => {
    clock = Date.parse('2030-01-07T09:00:00Z');
    fake = new FakePersistence();
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('asks for a client-credentials token once and sends it as a bearer token on every call', async () => {
    const c = client();
    const conversation = await c.createConversation({ userId, agent: 'scheduler' });
    expect(conversation).toMatchObject({ userId, agent: 'scheduler', channel: 'web' });
    await c.createConversation({ userId });
    expect(fake.seen[0]).toEqual({
      method: 'POST',
      path: '/v1/auth/token',
      authorization: undefined,
      body: { grant_type: 'client_credentials', client_id: 'voice-api', client_secret: SECRET },
    });
    expect(fake.issued).toBe(1);
    expect(dataCalls().map((s) => [s.method, s.path, s.authorization, s.body])).toEqual([
      ['POST', '/v1/conversations', 'Bearer token-1', { channel: 'web', id: expect.any(String), userId, agent: 'scheduler' }],
      ['POST', '/v1/conversations', 'Bearer token-1', { channel: 'web', id: expect.any(String), userId }],
    ]);
  });

  it('shares one token request among concurrent calls', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 5 }, () => c.createConversation({ userId })));
    expect(fake.issued).toBe(1);
  });

  it('renews the token shortly before it expires (a minute early for a 15-minute token)', async () => {
    const c = client();
    await c.createConversation({ userId });
    clock += 839_000;
    await c.createConversation({ userId });
    expect(fake.issued).toBe(1);
    clock += 2_000;
    await c.createConversation({ userId });
    expect(fake.issued).toBe(2);
    expect(dataCalls().at(-1)?.authorization).toBe('Bearer token-2');
  });

  it('renews once when persistence-api refuses the cached token, then succeeds', async () => {
    const c = client();
    await c.createConversation({ userId });
    fake.valid.clear();
    await c.createConversation({ userId });
    expect(fake.issued).toBe(2);
    expect(dataCalls().map((s) => s.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('does not loop when the renewed token is refused too', async () => {
    const c = client();
    await c.createConversation({ userId });
    fake.answer = (res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthorized', message: 'nope' } }));
    const error = await c.createConversation({ userId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersistenceError);
    expect(error).toMatchObject({ kind: 'status', status: 401, message: 'persistence-api answered 401 to POST /v1/conversations: nope' });
    expect(fake.issued).toBe(2);
    expect(dataCalls()).toHaveLength(3);
  });

  it('says which setting to fix when the service secret is wrong, without echoing it', async () => {
    const wrong = 'a-wrong-secret-of-enough-length-000';
    const error = (await client({ clientSecret: wrong })
      .createConversation({ userId })
      .catch((e: unknown) => e)) as PersistenceError;
    expect(error).toMatchObject({ kind: 'status', status: 401 });
    expect(error.message).toMatch(/refused voice-api's service credential \(client id "voice-api"\): set VOICE_API_CLIENT_SECRET/);
    expect(error.message).not.toContain(wrong);
    expect(dataCalls()).toHaveLength(0);
  });

  it('gives up on a call that gets no answer within its timeout', async () => {
    const c = client({ timeoutMs: 200 });
    await c.createConversation({ userId });
    fake.answer = () => undefined;
    const error = await c.createConversation({ userId }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', message: 'persistence-api did not answer POST /v1/conversations within 200 ms', transient: true });
  });

  it('reports a success answer that breaks the contract, and a 5xx as transient', async () => {
    const c = client();
    await c.createConversation({ userId });
    fake.answer = (res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"x"}');
    expect(await c.createConversation({ userId }).catch((e: unknown) => e)).toMatchObject({ kind: 'contract', status: 201, transient: false });
    fake.answer = (res) => res.writeHead(503).end('busy');
    expect(await c.createConversation({ userId }).catch((e: unknown) => e)).toMatchObject({
      kind: 'status',
      status: 503,
      transient: true,
      message: 'persistence-api answered 503 to POST /v1/conversations',
    });
  });

  it('survives persistence-api dropping its kept-alive connections (as on restart)', async () => {
    const c = client();
    await c.createConversation({ userId });
    fake.server.closeAllConnections();
    await expect(c.createConversation({ userId })).resolves.toMatchObject({ userId });
  });

  it('retries a safe call once on a kept-alive connection the server dropped, and reports an unreachable server by address without query values', async () => {
    const c = client();
    await c.createConversation({ userId });
    await fake.stop();
    const error = (await c
      .request('GET', '/v1/clinic/patients', { schema: z.unknown(), query: { phone: '+14155550101' } })
      .catch((e: unknown) => e)) as PersistenceError;
    expect(error).toMatchObject({ kind: 'unreachable', transient: true });
    expect(error.message).toBe(`persistence-api is unreachable at ${fake.url} (GET /v1/clinic/patients): ECONNREFUSED`);
  });
});
