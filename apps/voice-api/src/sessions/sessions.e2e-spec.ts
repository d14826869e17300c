import { CreateSessionResponse, Session, type CreateSessionRequest } from '@voice/contracts/voice';
import { firstValueFrom, take, toArray } from 'rxjs';
import { expectError } from '@voice/testing/api-errors';
import { MediaClient } from '@voice/testing/media-client';
import { ManualClock } from '../../test/manual-clock';
import { conversationOf, eventually, persistenceUrl, registerUser, type TestUser } from '../../test/users';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { SessionsService, type SessionEnded } from './sessions.service';
import { TicketService } from './ticket.service';

const TICKET = /^[A-Za-z0-9_-]{43}$/;

async function start(api: VoiceApi, user: TestUser, input: CreateSessionRequest = {}) {
  const res = await api.http.post('/v1/sessions').set(user.auth).send(input);
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 201, body: expect.anything() });
  return CreateSessionResponse.parse(res.body);
}

describe('sessions API (WebSocket transport, real persistence-api)', () => {
  let api: VoiceApi;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    // One trusted proxy, as behind App Service: X-Forwarded-Proto is believed.
    api = await startVoiceApi({ MAX_SESSIONS_PER_USER: '3', TICKET_TTL_SECONDS: '45', TRUST_PROXY_HOPS: '1' });
    [alice, bob] = await Promise.all([registerUser(), registerUser()]);
  });
  afterAll(() => api?.close());

  it('starts a session: the contract shape, a ws:// URL carrying a single-use ticket, and the conversation in persistence-api', async () => {
    const before = Date.now();
    const session = await start(api, alice);
    expect(session).toMatchObject({ status: 'active', transport: 'websocket', agent: 'receptionist', endedAt: null });
    const expiresIn = Date.parse(session.expiresAt) - Date.parse(session.createdAt);
    expect(expiresIn).toBe(30 * 60_000);
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    const { ticket, url, ticketExpiresAt } = session.connection;
    expect(ticket).toMatch(TICKET);
    expect(url).toBe(`${api.url.replace(/^http/, 'ws')}/v1/media?ticket=${ticket}`);
    expect(Date.parse(ticketExpiresAt) - before).toBeGreaterThanOrEqual(45_000);
    expect(Date.parse(ticketExpiresAt) - Date.now()).toBeLessThanOrEqual(45_000);

    const conversation = await conversationOf(alice, session.conversationId);
    expect(conversation.status).toBe(200);
    expect(conversation.body).toMatchObject({ id: session.conversationId, userId: alice.userId, channel: 'web', agent: 'receptionist', status: 'active' });

    const tickets = api.app.get(TicketService);
    expect(await tickets.redeem(ticket)).toEqual({ sessionId: session.id, userId: alice.userId });
    expect(await tickets.redeem(ticket)).toBeNull();
    await api.http.delete(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
  });

  it('passes the chosen agent and title on to the conversation', async () => {
    const session = await start(api, alice, { agent: 'scheduler', title: 'Book a check-up' });
    expect(session.agent).toBe('scheduler');
    expect((await conversationOf(alice, session.conversationId)).body).toMatchObject({ agent: 'scheduler', title: 'Book a check-up' });
    await api.http.delete(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
  });

  it("shows a user their own session and nobody else's (404, not 403)", async () => {
    const session = await start(api, alice);
    const own = await api.http.get(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
    expect(Session.parse(own.body)).toEqual(Session.parse(session));
    expect(own.body).not.toHaveProperty('connection');

    expectError(await api.http.get(`/v1/sessions/${session.id}`).set(bob.auth), 404, 'not_found', 'Session not found');
    expectError(await api.http.delete(`/v1/sessions/${session.id}`).set(bob.auth), 404, 'not_found', 'Session not found');
    expect((await api.http.get(`/v1/sessions/${session.id}`).set(alice.auth).expect(200)).body.status).toBe('active');
    expectError(await api.http.get('/v1/sessions/00000000-0000-4000-8000-000000000000').set(alice.auth), 404, 'not_found');
    await api.http.delete(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
  });

  it('ends a session on DELETE: answers it ended, voids its ticket, tells subscribers, and ends the conversation', async () => {
    const session = await start(api, alice);
    const sessions = api.app.get(SessionsService);
    const ended = firstValueFrom(sessions.ended$);

    const res = await api.http.delete(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
    const body = Session.parse(res.body);
    expect(body).toMatchObject({ id: session.id, status: 'ended' });
    expect(Date.parse(body.endedAt ?? '')).toBeLessThanOrEqual(Date.now());
    expect(await ended).toEqual<SessionEnded>({
      sessionId: session.id,
      conversationId: session.conversationId,
      userId: alice.userId,
      transport: 'websocket',
      reason: 'user',
    });
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    expect(await api.app.get(TicketService).redeem(session.connection.ticket)).toBeNull();

    const again = await api.http.delete(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
    expect(again.body.endedAt).toBe(body.endedAt);
    await eventually(async () => expect((await conversationOf(alice, session.conversationId)).body).toMatchObject({ status: 'ended', endedAt: body.endedAt }));
  });

  it('ends a session the media layer hangs up, once, however often it is told', async () => {
    const session = await start(api, alice);
    const sessions = api.app.get(SessionsService);
    const events: SessionEnded[] = [];
    const subscription = sessions.ended$.subscribe((e) => events.push(e));
    await Promise.all([sessions.end(session.id, 'hangup'), sessions.end(session.id, 'timeout')]);
    await sessions.end(session.id, 'user');
    subscription.unsubscribe();
    expect(events).toEqual([expect.objectContaining({ sessionId: session.id, reason: 'hangup' })]);
    expect((await sessions.find(session.id))?.status).toBe('ended');
    expect(await sessions.activeCount(alice.userId)).toBe(0);
    await eventually(async () => expect((await conversationOf(alice, session.conversationId)).body.status).toBe('ended'));
  });

  it('allows MAX_SESSIONS_PER_USER active sessions per user: the next gets 429 until one ends', async () => {
    const carol = await registerUser();
    const three = [await start(api, carol), await start(api, carol), await start(api, carol)];
    const refused = await api.http.post('/v1/sessions').set(carol.auth).send({});
    expectError(refused, 429, 'rate_limited', /already have 3 active voice sessions.*end one/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Another user is not affected by carol's cap.
    const other = await start(api, bob);
    await api.http.delete(`/v1/sessions/${other.id}`).set(bob.auth).expect(200);

    await api.http.delete(`/v1/sessions/${three[1].id}`).set(carol.auth).expect(200);
    const fourth = await start(api, carol);
    expectError(await api.http.post('/v1/sessions').set(carol.auth).send({}), 429, 'rate_limited');
    for (const s of [three[0], three[2], fourth]) await api.http.delete(`/v1/sessions/${s.id}`).set(carol.auth).expect(200);
  });

  it('holds the cap when requests race', async () => {
    const dave = await registerUser();
    const results = await Promise.all(Array.from({ length: 6 }, () => api.http.post('/v1/sessions').set(dave.auth).send({})));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    expect(await api.app.get(SessionsService).activeCount(dave.userId)).toBe(3);
    for (const r of results.filter((x) => x.status === 201)) await api.http.delete(`/v1/sessions/${r.body.id}`).set(dave.auth).expect(200);
  });

  it('answers 400 naming the offending field', async () => {
    const bad = await api.http.post('/v1/sessions').set(alice.auth).send({ agent: 'Not An Agent' });
    expect(expectError(bad, 400, 'validation_failed').details).toEqual([{ path: 'body.agent', message: expect.stringContaining('must be one of the agents') }]);
    const extra = await api.http.post('/v1/sessions').set(alice.auth).send({ room: 'mine' });
    expect(expectError(extra, 400, 'validation_failed').details).toEqual([{ path: 'body', message: 'unknown field(s): room' }]);
    const blank = await api.http.post('/v1/sessions').set(alice.auth).send({ title: '   ' });
    expect(expectError(blank, 400, 'validation_failed').details?.map((d) => d.path)).toEqual(['body.title']);
    const notJson = await api.http.post('/v1/sessions').set(alice.auth).set('content-type', 'application/json').send('{"agent":');
    expectError(notJson, 400, 'bad_request', /not valid JSON/);
    const badId = await api.http.get('/v1/sessions/not-a-uuid').set(alice.auth);
    expect(expectError(badId, 400, 'validation_failed').details).toEqual([{ path: 'params.id', message: 'must be a UUID' }]);
    expect(await api.app.get(SessionsService).activeCount(alice.userId)).toBe(0);
  });

  it('refuses an agent that is not one of the defined agents (prototype names included), listing the allowed ones, and leaves no session', async () => {
    for (const agent of ['admin', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await api.http.post('/v1/sessions').set(alice.auth).send({ agent });
      expect(expectError(res, 400, 'validation_failed').details).toEqual([
        { path: 'body.agent', message: 'must be one of the agents: receptionist, scheduler, billing (or leave it out for receptionist)' },
      ]);
    }
    expect(await api.app.get(SessionsService).activeCount(alice.userId)).toBe(0);
  });

  it('answers 401 to a still-valid token of an account deleted meanwhile, and leaves no session', async () => {
    const gone = await registerUser();
    const deleted = await fetch(`${persistenceUrl()}/v1/me`, { method: 'DELETE', headers: gone.auth });
    expect(deleted.status).toBe(204);
    expectError(await api.http.post('/v1/sessions').set(gone.auth).send({}), 401, 'unauthorized', 'This account no longer exists: sign in again');
    expect(await api.app.get(SessionsService).activeCount(gone.userId)).toBe(0);
  });

  it('builds the ws URL from a trusted proxy: X-Forwarded-Proto https gives wss:// on the request Host', async () => {
    const res = await api.http.post('/v1/sessions').set(alice.auth).set('X-Forwarded-Proto', 'https').set('Host', 'voice.example.org').send({});
    const session = CreateSessionResponse.parse(res.body);
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    expect(session.connection.url).toBe(`wss://voice.example.org/v1/media?ticket=${session.connection.ticket}`);
    await api.http.delete(`/v1/sessions/${session.id}`).set(alice.auth).expect(200);
  });
});

describe('sessions API with PUBLIC_URL', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ PUBLIC_URL: 'https://voice.example.com/edge/' });
  });
  afterAll(() => api?.close());

  it('hands out wss:// URLs under PUBLIC_URL whatever the request says', async () => {
    const user = await registerUser();
    const res = await api.http.post('/v1/sessions').set(user.auth).set('X-Forwarded-Proto', 'http').send({});
    const session = CreateSessionResponse.parse(res.body);
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    expect(session.connection.url).toBe(`wss://voice.example.com/edge/v1/media?ticket=${session.connection.ticket}`);
  });
});

describe('session time cap (SESSION_MAX_MINUTES, manual clock)', () => {
  let api: VoiceApi;
  const clock = new ManualClock();
  beforeAll(async () => {
    // A ticket outliving the cap: this is about the cap, not about sessions nobody connects to (below).
    api = await startVoiceApi({ SESSION_MAX_MINUTES: '2', MAX_SESSIONS_PER_USER: '1', TICKET_TTL_SECONDS: '600' }, { clock });
  });
  afterAll(() => api?.close());

  it('ends every session when its time is up, frees the slot and ends the conversation', async () => {
    const user = await registerUser();
    const session = await start(api, user);
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(120_000);
    expect(session.createdAt).toBe(new Date(clock.now()).toISOString());
    const ended = firstValueFrom(api.app.get(SessionsService).ended$.pipe(take(1), toArray()));

    clock.advance(119_999);
    expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body.status).toBe('active');
    expectError(await api.http.post('/v1/sessions').set(user.auth).send({}), 429, 'rate_limited');

    clock.advance(1);
    expect(await ended).toEqual([expect.objectContaining({ sessionId: session.id, reason: 'timeout' })]);
    const after = Session.parse((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body);
    expect(after).toMatchObject({ status: 'ended', endedAt: session.expiresAt });
    await eventually(async () =>
      expect((await conversationOf(user, session.conversationId)).body).toMatchObject({ status: 'ended', endedAt: session.expiresAt }),
    );

    const next = await start(api, user);
    expect(next.id).not.toBe(session.id);
    await api.http.delete(`/v1/sessions/${next.id}`).set(user.auth).expect(200);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('sessions nobody connects to (TICKET_TTL_SECONDS, manual clock)', () => {
  let api: VoiceApi;
  const clock = new ManualClock();
  beforeAll(async () => {
    api = await startVoiceApi({ TICKET_TTL_SECONDS: '60', MAX_SESSIONS_PER_USER: '1' }, { clock });
  });
  afterAll(() => api?.close());

  it('ends a session whose ticket expired unused: the slot is free again and the conversation ended', async () => {
    const user = await registerUser();
    const session = await start(api, user);
    const ended = firstValueFrom(api.app.get(SessionsService).ended$.pipe(take(1), toArray()));

    clock.advance(59_999);
    expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body.status).toBe('active');
    expectError(await api.http.post('/v1/sessions').set(user.auth).send({}), 429, 'rate_limited');

    clock.advance(1);
    expect(await ended).toEqual([expect.objectContaining({ sessionId: session.id, reason: 'unconnected' })]);
    const endedAt = new Date(clock.now()).toISOString();
    expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body).toMatchObject({ status: 'ended', endedAt });
    await eventually(async () => expect((await conversationOf(user, session.conversationId)).body).toMatchObject({ status: 'ended', endedAt }));

    const next = await start(api, user);
    await api.http.delete(`/v1/sessions/${next.id}`).set(user.auth).expect(200);
  });

  it('keeps a session whose ticket was used after the ticket expires', async () => {
    const user = await registerUser();
    const session = await start(api, user);
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    const client = await MediaClient.connect(session.connection.url);
    try {
      await client.waitFor('ready');
      clock.advance(60_000);
      expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body.status).toBe('active');
    } finally {
      await api.http.delete(`/v1/sessions/${session.id}`).set(user.auth).expect(200);
      await eventually(() => expect(client.closed).toBeDefined());
    }
  });
});
