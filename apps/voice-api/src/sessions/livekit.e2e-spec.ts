import type { ConversationPage } from '@voice/contracts/persistence';
import { CreateSessionResponse } from '@voice/contracts/voice';
import { TokenVerifier } from 'livekit-server-sdk';
import { expectError } from '@voice/testing/api-errors';
import { FakeLiveKitServer } from '../../test/livekit-server';
import { freePort } from '@voice/testing';
import { eventually, persistenceUrl, registerUser, type TestUser } from '../../test/users';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { SessionsService } from './sessions.service';

const API_KEY = 'APItestkey';
const API_SECRET = 'test-livekit-secret-with-enough-entropy-0123456789';

const conversationsOf = async (user: TestUser) =>
  ((await (await fetch(`${persistenceUrl()}/v1/conversations`, { headers: user.auth })).json()) as ConversationPage).items;

describe("LiveKit transport (protocol test against a local server speaking LiveKit's Twirp API)", () => {
  let livekit: FakeLiveKitServer;
  let api: VoiceApi;

  beforeAll(async () => {
    livekit = await new FakeLiveKitServer(API_KEY, API_SECRET).start();
    api = await startVoiceApi({
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: API_KEY,
      LIVEKIT_API_SECRET: API_SECRET,
      LIVEKIT_TOKEN_TTL: '900',
      LIVEKIT_AGENT_NAME: 'front-desk',
    });
    expect(livekit.calls.map((c) => [c.method, c.body, c.claims.video])).toEqual([['ListRooms', { names: ['credential-probe'] }, { roomList: true }]]);
  });
  afterAll(async () => {
    await api?.close();
    await livekit?.stop();
  });
  beforeEach(() => {
    livekit.calls.length = 0;
    livekit.rejected.length = 0;
    livekit.failures.clear();
  });

  it('creates the room, dispatches the agent with the session in its metadata, and hands the caller a token for that room only', async () => {
    const user = await registerUser();
    const res = await api.http.post('/v1/sessions').set(user.auth).send({ agent: 'scheduler' }).expect(201);
    const session = CreateSessionResponse.parse(res.body);
    expect(session.transport).toBe('livekit');
    const room = `session-${session.id}`;
    expect(session.connection).toEqual({ type: 'livekit', url: livekit.url, room, token: expect.any(String) });

    expect(livekit.rejected).toEqual([]);
    expect(livekit.calls.map((c) => [c.service, c.method, c.contentType, c.claims.iss, c.body])).toEqual([
      ['RoomService', 'CreateRoom', 'application/json;charset=UTF-8', API_KEY, { name: room, emptyTimeout: 120, maxParticipants: 3 }],
      [
        'AgentDispatchService',
        'CreateDispatch',
        'application/json;charset=UTF-8',
        API_KEY,
        { room, agentName: 'front-desk', metadata: JSON.stringify({ sessionId: session.id, conversationId: session.conversationId, userId: user.userId }) },
      ],
    ]);
    expect(livekit.calls[0].claims.video).toEqual({ roomCreate: true });
    expect(livekit.calls[1].claims.video).toEqual({ roomAdmin: true, room });

    if (session.connection.type !== 'livekit') throw new Error('expected the livekit transport');
    const grants = await new TokenVerifier(API_KEY, API_SECRET).verify(session.connection.token);
    expect(grants).toMatchObject({ sub: user.userId, iss: API_KEY, video: { roomJoin: true, room, canPublish: true, canSubscribe: true } });
    expect(grants.video).not.toHaveProperty('roomAdmin');
    expect(grants.video).not.toHaveProperty('roomCreate');
    const { exp, nbf } = grants as unknown as { exp: number; nbf: number };
    expect(exp - nbf).toBe(900);
    await expect(new TokenVerifier(API_KEY, 'another-secret-of-the-same-length-abcdefghijkl').verify(session.connection.token)).rejects.toThrow();

    const tokens = [session.connection.token, ...livekit.calls.map((c) => c.token)];
    livekit.calls.length = 0;
    await api.http.delete(`/v1/sessions/${session.id}`).set(user.auth).expect(200);
    await eventually(() => expect(livekit.calls.map((c) => [c.method, c.body])).toEqual([['DeleteRoom', { room }]]));
    expect(livekit.rooms.has(room)).toBe(false);

    // Neither the caller's LiveKit token nor the ones voice-api signed for LiveKit's API, nor the secret, reach the logs.
    const logs = api.logs.join('\n');
    for (const secret of [...tokens, livekit.calls[0].token, API_SECRET]) expect(logs).not.toContain(secret);
  });

  it('verified our key and secret at start-up with ListRooms, and reports LiveKit up on /health from that verdict', async () => {
    const res = await api.http.get('/health').expect(200);
    expect(res.body.checks.livekit).toEqual({ status: 'up', latencyMs: expect.any(Number) });
    expect(livekit.calls).toEqual([]);
    expect(logLines(api.logs, /^livekit: /).map((l) => l.msg)).toEqual(['livekit: up (LiveKit: credential accepted)']);
  });

  it('answers 503 and leaves nothing behind when LiveKit refuses the agent dispatch (the room it made is deleted)', async () => {
    const user = await registerUser();
    livekit.failures.set('AgentDispatchService/CreateDispatch', { status: 500, code: 'internal' });
    const res = await api.http.post('/v1/sessions').set(user.auth).send({});
    expectError(res, 503, 'service_unavailable', 'Cannot start a voice session: the LiveKit media server is unavailable right now. Try again in a moment.');
    expect(livekit.calls.map((c) => c.method)).toEqual(['CreateRoom', 'CreateDispatch', 'DeleteRoom']);
    expect(livekit.rooms.size).toBe(0);
    expect(await api.app.get(SessionsService).activeCount(user.userId)).toBe(0);
    await eventually(async () => expect((await conversationsOf(user)).map((c) => c.status)).toEqual(['ended']));
    expect(api.logs.join('\n')).toMatch(/LiveKit CreateDispatch failed \(500 internal: AgentDispatchService\/CreateDispatch failed on purpose\)/);
  });
});

describe("LiveKit transport failures (protocol test against a local server speaking LiveKit's Twirp API)", () => {
  let livekit: FakeLiveKitServer;
  const apis: VoiceApi[] = [];
  beforeAll(async () => {
    livekit = await new FakeLiveKitServer(API_KEY, API_SECRET).start();
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    await livekit?.stop();
  });

  it('answers 503 when LiveKit rejects our credentials (wrong API secret), with no room, session or active conversation left', async () => {
    const api = await startVoiceApi({ LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: 'not-the-secret-livekit-knows-0123456789' });
    apis.push(api);
    const user = await registerUser();
    const health = await api.http.get('/health').expect(503);
    expect(health.body.checks.livekit).toEqual({ status: 'down', latencyMs: expect.any(Number), error: 'LiveKit: credential rejected (401)' });
    expectError(await api.http.post('/v1/sessions').set(user.auth).send({}), 503, 'service_unavailable', /LiveKit media server is unavailable/);
    expect(livekit.rejected).toEqual([
      { path: '/twirp/livekit.RoomService/ListRooms', reason: 'signature verification failed' },
      { path: '/twirp/livekit.RoomService/CreateRoom', reason: 'signature verification failed' },
    ]);
    expect(livekit.calls).toEqual([]);
    expect(await api.app.get(SessionsService).activeCount(user.userId)).toBe(0);
    await eventually(async () => expect((await conversationsOf(user)).map((c) => c.status)).toEqual(['ended']));
    expect(api.logs.join('\n')).toMatch(/LiveKit CreateRoom failed \(401 unauthenticated: invalid token\)/);
    expect(api.logs.join('\n')).not.toContain('not-the-secret-livekit-knows');
    expect(JSON.stringify(health.body)).not.toContain('not-the-secret-livekit-knows');
  });

  it('answers 503 when the LiveKit server cannot be reached', async () => {
    const api = await startVoiceApi({ LIVEKIT_URL: `wss://127.0.0.1:${await freePort()}`, LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET });
    apis.push(api);
    const user = await registerUser();
    expectError(await api.http.post('/v1/sessions').set(user.auth).send({}), 503, 'service_unavailable', /LiveKit media server is unavailable/);
    expect(await api.app.get(SessionsService).activeCount(user.userId)).toBe(0);
    expect(api.logs.join('\n')).toMatch(/LiveKit CreateRoom failed \(ECONNREFUSED\)/);
    const health = await api.http.get('/health').expect(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.checks.livekit).toEqual({ status: 'down', latencyMs: expect.any(Number), error: 'LiveKit ListRooms failed (ECONNREFUSED)' });
  });
});
