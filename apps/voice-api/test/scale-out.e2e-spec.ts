import { CreateSessionResponse, Session } from '@voice/contracts/voice';
import { MediaClient } from '@voice/testing/media-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationOf, eventually, registerUser, type TestUser } from './users';
import { startVoiceApiProcess, type VoiceApiProcess } from './voice-api-process';

jest.setTimeout(240_000);

/**
 * The Redis these instances share: CI's (127.0.0.1:6379) unless TEST_REDIS_URL says otherwise, in a
 * database of its own, so that no other suite's voice-api ends these sessions (every instance on one
 * Redis ends whatever comes due there).
 */
const REDIS_URL = `${(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '')}/9`;

/** Two voice-api processes on one Redis, as two App Service instances behind the load balancer. */
describe('voice-api on two instances sharing one Redis (REDIS_URL)', () => {
  const dataDirs: string[] = [];
  let a: VoiceApiProcess;
  let b: VoiceApiProcess;
  beforeAll(async () => {
    // One session per user, so the cap shows across instances; a one-minute cap, so a dead instance's session ends within the test.
    const env = { REDIS_URL, MAX_SESSIONS_PER_USER: '1', SESSION_MAX_MINUTES: '1', RATE_LIMIT_PER_MINUTE: '1000000' };
    [a, b] = await Promise.all(
      [0, 1].map(() => {
        dataDirs.push(mkdtempSync(join(tmpdir(), 'voice-scale-out-')));
        return startVoiceApiProcess(dataDirs[dataDirs.length - 1], env);
      }),
    );
  });
  afterAll(async () => {
    await Promise.all([a, b].map((p) => p?.proc.stop()));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const api = (instance: VoiceApiProcess, user: TestUser, method: 'GET' | 'POST' | 'DELETE', path: string) =>
    fetch(
      `${instance.url}${path}`,
      method === 'POST' ? { method, headers: { ...user.auth, 'content-type': 'application/json' }, body: '{}' } : { method, headers: user.auth },
    );

  /** Starts a session on `creator` and connects its socket to `holder` with the ticket `creator` issued. */
  async function callAcross(creator: VoiceApiProcess, holder: VoiceApiProcess, user: TestUser) {
    const res = await api(creator, user, 'POST', '/v1/sessions');
    const body: unknown = await res.json();
    expect({ status: res.status, body }).toEqual({ status: 201, body: expect.anything() });
    const session = CreateSessionResponse.parse(body);
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    const client = await MediaClient.connect(`${holder.url.replace(/^http/, 'ws')}/v1/media?ticket=${session.connection.ticket}`);
    await client.waitFor('ready');
    return { session, client, ticket: session.connection.ticket };
  }

  const sessionOn = async (instance: VoiceApiProcess, user: TestUser, id: string) => {
    const res = await api(instance, user, 'GET', `/v1/sessions/${id}`);
    expect(res.status).toBe(200);
    return Session.parse(await res.json());
  };

  it('serves a session created on A through a socket on B, counts the cap on both, and hangs up from A', async () => {
    const user = await registerUser();
    const { session, client, ticket } = await callAcross(a, b, user);
    try {
      // The ticket was redeemed on B: it is spent on A too.
      await expect(MediaClient.connect(`${a.url.replace(/^http/, 'ws')}/v1/media?ticket=${ticket}`)).rejects.toThrow(/upgrade refused: 401/);
      expect((await sessionOn(b, user, session.id)).status).toBe('active');
      for (const instance of [a, b]) expect((await api(instance, user, 'POST', '/v1/sessions')).status).toBe(429);

      client.send({ type: 'text', text: 'what are your opening hours' });
      await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);

      const ended = await api(a, user, 'DELETE', `/v1/sessions/${session.id}`);
      expect(ended.status).toBe(200);
      expect(Session.parse(await ended.json()).status).toBe('ended');
      await client.waitFor('error', (e) => e.code === 'session_ended');
      await eventually(() => expect(client.closed).toBeDefined(), 20_000);
      expect((await sessionOn(b, user, session.id)).status).toBe('ended');
      await eventually(async () => expect((await conversationOf(user, session.conversationId)).body.status).toBe('ended'), 20_000);

      const next = await api(b, user, 'POST', '/v1/sessions');
      expect(next.status).toBe(201);
      expect((await api(a, user, 'DELETE', `/v1/sessions/${((await next.json()) as Session).id}`)).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('ends, by its deadline, the session whose socket was on an instance that was killed', async () => {
    const user = await registerUser();
    const { session } = await callAcross(a, b, user);
    await b.kill();
    expect((await sessionOn(a, user, session.id)).status).toBe('active');
    expect((await conversationOf(user, session.conversationId)).body.status).toBe('active');

    const after = await eventually(async () => {
      const s = await sessionOn(a, user, session.id);
      expect(s.status).toBe('ended');
      return s;
    }, 150_000);
    expect(after.endedAt).toBe(session.expiresAt);
    await eventually(async () => expect((await conversationOf(user, session.conversationId)).body).toMatchObject({ status: 'ended' }), 20_000);
    const next = await api(a, user, 'POST', '/v1/sessions');
    expect(next.status).toBe(201);
    expect((await api(a, user, 'DELETE', `/v1/sessions/${((await next.json()) as Session).id}`)).status).toBe(200);
  });
});
