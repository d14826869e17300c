import { CreateSessionResponse } from '@voice/contracts/voice';
import { expectError } from '@voice/testing/api-errors';
import { MediaClient } from '@voice/testing/media-client';
import { TcpProxy } from '../../test/tcp-proxy';
import { conversationOf, eventually, registerUser } from '../../test/users';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';

/** CI's Redis unless TEST_REDIS_URL says otherwise, reached through a relay the test can cut. */
const target = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

describe('voice sessions in Redis while Redis becomes unreachable', () => {
  let proxy: TcpProxy;
  let api: VoiceApi;
  beforeAll(async () => {
    proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) }).start();
    // Database 9, as the two-instance test: no other suite's instances end these sessions.
    api = await startVoiceApi({ REDIS_URL: `redis://127.0.0.1:${proxy.port}/9`, MAX_SESSIONS_PER_USER: '1' });
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.cut();
  });

  it('refuses new sessions with 503, reports redis down but stays in rotation, and lets the call in progress go on and end', async () => {
    const user = await registerUser();
    const started = await api.http.post('/v1/sessions').set(user.auth).send({}).expect(201);
    const session = CreateSessionResponse.parse(started.body);
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    const client = await MediaClient.connect(session.connection.url);
    await client.waitFor('ready');
    expect((await api.http.get('/health').expect(200)).body.checks.redis).toEqual({ status: 'up', latencyMs: expect.any(Number) });

    await proxy.cut();
    try {
      expectError(
        await api.http.post('/v1/sessions').set(user.auth).send({}),
        503,
        'service_unavailable',
        'Cannot start a voice session: the session store is unavailable right now. Try again in a moment.',
      );
      const health = await api.http.get('/health').expect(200);
      expect(health.body).toMatchObject({ status: 'degraded', checks: { redis: { status: 'down', error: expect.any(String) } } });

      client.send({ type: 'text', text: 'what are your opening hours' });
      await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);
      client.send({ type: 'stop' });
      await eventually(() => expect(client.closed).toBeDefined(), 20_000);
      await eventually(async () => expect((await conversationOf(user, session.conversationId)).body.status).toBe('ended'), 20_000);
    } finally {
      await proxy.start();
    }

    // Once Redis is back, the end it missed is recorded: the user's one slot is free again.
    const next = await eventually(async () => {
      const res = await api.http.post('/v1/sessions').set(user.auth).send({});
      expect(res.status).toBe(201);
      return CreateSessionResponse.parse(res.body);
    }, 30_000);
    expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body.status).toBe('ended');
    await api.http.delete(`/v1/sessions/${next.id}`).set(user.auth).expect(200);
    expect((await api.http.get('/health').expect(200)).body.status).toBe('ok');
  });
});
