import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GREETING } from '@voice/clinic/agents';
import { heardText } from '@voice/agent/pipeline';
import { concat, silence, speak } from '@voice/agent/testing';
import { MediaClient } from '@voice/testing/media-client';
import { MEDIA_FRAME_BYTES } from '@voice/contracts/media';
import type { Appointment, Doctor } from '@voice/contracts/persistence';
import type { CreateSessionResponse } from '@voice/contracts/voice';
import { ManualClock } from '../../test/manual-clock';
import { startPersistenceApi, TEST_SERVICE_SECRET, type PersistenceProcess } from '../../test/persistence-process';
import { conversationOf, eventually, persistenceUrl, registerUser, type TestUser } from '../../test/users';
import { spokenMs, startVoiceApi, type VoiceApi } from '../../test/voice-api';

jest.setTimeout(120_000);

async function startSession(api: VoiceApi, user: TestUser) {
  const res = await api.http.post('/v1/sessions').set(user.auth).send({});
  expect(res.status).toBe(201);
  const session = res.body as CreateSessionResponse;
  if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
  const client = await MediaClient.connect(session.connection.url);
  await client.waitFor('ready');
  return { session, client, ticket: session.connection.ticket };
}

/**
 * Silence after each request, longer than the longest end-of-turn wait (END_OF_UTTERANCE_SILENCE_MS,
 * 1.5 s), as a microphone keeps sending: the turn ends whether or not the judge finds the words complete
 * at the first pause (on a loaded machine the decoder's words may come too late for it).
 */
const AFTER_SPEECH_MS = 1700;
const weekdayIn = (timeZone: string, at: Date | string) => new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone }).format(new Date(at));

/** "Tuesday", unless today is Tuesday in the clinic (late in the day nothing would be free): then Wednesday. */
function bookingDay(timeZone: string): string {
  return weekdayIn(timeZone, new Date()) === 'Tuesday' ? 'Wednesday' : 'Tuesday';
}

/** Every bearer token sent with fetch in this process (voice-api runs in it), so the log scan can look for each. */
function recordBearerTokens() {
  const tokens = new Set<string>();
  const realFetch = globalThis.fetch.bind(globalThis);
  const spy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    if (auth?.startsWith('Bearer ')) tokens.add(auth.slice('Bearer '.length));
    return realFetch(input, init);
  });
  return { tokens, restore: () => spy.mockRestore() };
}

/** Like a browser's, the test client's player buffers this much before it starts playing. */
const PLAYER_START_DELAY_MS = 200;

describe('a voice call over the WebSocket transport (real speech, real persistence-api)', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi();
  });
  afterAll(() => api?.close());

  it('books an appointment from spoken requests and stores every turn', async () => {
    const bearers = recordBearerTokens();
    const user = await registerUser();
    const { session, client, ticket } = await startSession(api, user);
    client.send({ type: 'start' });
    const greeting = await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);
    expect(greeting.text).toMatch(/How can I help/);
    expect(client.audio.length).toBeGreaterThan(50);

    const timeZone = api.config.CLINIC_TIMEZONE;
    const day = bookingDay(timeZone);
    await client.stream(concat(speak(`I would like to book an appointment with doctor Alice Smith on ${day}`), silence(AFTER_SPEECH_MS)));
    const heard = await client.waitFor('transcript', (e) => e.role === 'user' && e.final);
    expect(heard.text.toLowerCase()).toEqual(expect.stringContaining('smith'));
    expect(heard.text.toLowerCase()).toEqual(expect.stringContaining(day.toLowerCase()));
    expect(heard.text.toLowerCase()).toEqual(expect.stringContaining('appointment'));
    const offer = await client.waitFor('transcript', (e) => e.role === 'agent' && e.final && e.agent === 'scheduler');
    expect(offer.text).toMatch(/Dr\. Alice Smith is free .* Which time would you like\?/);
    const metrics = await client.waitFor('turn_metrics');
    expect(metrics.metrics).toEqual({
      endOfUtteranceMs: expect.any(Number),
      sttMs: expect.any(Number),
      llmFirstTokenMs: expect.any(Number),
      ttsFirstByteMs: expect.any(Number),
      voiceToVoiceMs: expect.any(Number),
    });
    const audioBefore = client.audio.length;

    await client.stream(concat(speak('yes that works'), silence(AFTER_SPEECH_MS)));
    // The agent books nothing yet: it names what it understood and waits for a yes to that.
    const question = await client.next('transcript', (e) => e.role === 'agent' && e.final);
    expect(question.text).toMatch(/^Dr\. Alice Smith .* — shall I book it\?$/);
    expect(client.audio.length).toBeGreaterThan(audioBefore + 50);
    const noneYet = (await (await fetch(`${persistenceUrl()}/v1/clinic/appointments`, { headers: user.auth })).json()) as Appointment[];
    expect(noneYet).toEqual([]);

    await client.stream(concat(speak('yes please'), silence(AFTER_SPEECH_MS)));
    const booked = await client.next('transcript', (e) => e.role === 'agent' && e.final);
    expect(booked.text).toMatch(/^You're booked with Dr\. Alice Smith/);

    const doctors = (await (await fetch(`${persistenceUrl()}/v1/clinic/doctors`, { headers: user.auth })).json()) as Doctor[];
    const alice = doctors.find((d) => d.name === 'Dr. Alice Smith') as Doctor;
    const appointments = (await (await fetch(`${persistenceUrl()}/v1/clinic/appointments`, { headers: user.auth })).json()) as Appointment[];
    expect(appointments).toEqual([expect.objectContaining({ doctorId: alice.id, status: 'booked' })]);
    expect(weekdayIn(timeZone, appointments[0].startsAt)).toBe(day);
    // Every agent audio frame is exactly 20 ms of 16 kHz PCM16.
    expect(new Set(client.audio.map((f) => f.bytes))).toEqual(new Set([MEDIA_FRAME_BYTES]));

    client.send({ type: 'stop' });
    await eventually(() => expect(client.closed).toBeDefined());
    const stored = await eventually(async () => {
      const { body } = await conversationOf(user, session.conversationId);
      expect(body.status).toBe('ended');
      expect(body.messages).toHaveLength(7);
      return body;
    });
    expect(stored.messages.map((m) => [m.role, m.agent])).toEqual([
      ['agent', 'receptionist'],
      ['user', null],
      ['agent', 'scheduler'],
      ['user', null],
      ['agent', 'scheduler'],
      ['user', null],
      ['agent', 'scheduler'],
    ]);
    expect(stored.messages[2].latency).toMatchObject({ voiceToVoiceMs: expect.any(Number), sttMs: expect.any(Number) });
    expect(stored.messages[4].text).toBe(question.text);
    expect(stored.messages[6].text).toBe(booked.text);

    // The call's figures on the Prometheus endpoint.
    const metricsText = (
      await api.http
        .get('/metrics')
        .expect(200)
        .expect('content-type', /^text\/plain/)
    ).text;
    expect(metricsText).toMatch(/^voice_sessions_started_total\{transport="websocket"\} [1-9]/m);
    expect(metricsText).toMatch(/^voice_turns_total\{role="agent",interrupted="false",transport="websocket"\} [1-9]/m);
    expect(metricsText).toMatch(/^voice_turn_latency_ms_count\{stage="voice_to_voice",transport="websocket"\} [1-9]/m);
    expect(metricsText).toMatch(/^voice_turn_latency_ms_bucket\{le="\+Inf",stage="stt",transport="websocket"\} [1-9]/m);

    // Nothing secret in the logs of a whole call: not the caller's token, the ticket, voice-api's
    // client secret, nor the service token it got with it (sent to persistence-api during the call).
    bearers.restore();
    const serviceTokens = [...bearers.tokens].filter((t) => t !== user.accessToken);
    expect(serviceTokens.length).toBeGreaterThan(0);
    const logs = api.logs.join('\n');
    for (const secret of [user.accessToken, ticket, TEST_SERVICE_SECRET, ...serviceTokens]) expect(logs).not.toContain(secret);
  });

  it('stops talking when the caller speaks over it, and stores only what the client played', async () => {
    const user = await registerUser();
    const { session, client } = await startSession(api, user);
    // On `clear` the client stops its player and reports how much of the turn it played, as the web client does.
    const cleared = client.waitFor('clear').then((clear) => {
      const at = client.events.find((x) => x.event === clear)?.at ?? performance.now();
      const playedMs = client.playedMs(at, { startDelayMs: PLAYER_START_DELAY_MS });
      client.send({ type: 'playback', turnId: clear.turnId, playedMs });
      return { clear, at, playedMs };
    });
    client.send({ type: 'start' });
    await client.waitFor('agent_state', (e) => e.state === 'speaking');
    await new Promise((r) => setTimeout(r, 700));
    await client.stream(concat(speak('what are your opening hours'), silence(AFTER_SPEECH_MS)));
    const { clear, at: clearAt, playedMs } = await cleared;
    const cut = await client.waitFor('transcript', (e) => e.role === 'agent' && e.final && e.turnId === clear.turnId);
    expect(cut.interrupted).toBe(true);

    // The greeting's audio stops at the clear: at most the playout lead (100 ms) was already in
    // flight, and nothing comes later, up to the caller's words being recognised (the next reply).
    await client.waitFor('transcript', (e) => e.role === 'user' && e.final);
    const heardAt = client.events.find((x) => x.event.type === 'transcript' && x.event.role === 'user' && x.event.final)?.at ?? Infinity;
    const afterClear = client.audio.filter((f) => f.at > clearAt && f.at < heardAt);
    expect(afterClear.length).toBeLessThanOrEqual(5);
    expect(afterClear.filter((f) => f.at > clearAt + 250)).toEqual([]);

    // The stored turn is cut where the client's player stopped.
    const heard = heardText([{ text: GREETING, startMs: 0, endMs: await spokenMs(api, GREETING) }], playedMs);
    expect(heard).not.toBe('');
    expect(heard.length).toBeLessThan(GREETING.length);
    expect(cut.text).toBe(heard);
    await client.waitFor('transcript', (e) => e.role === 'agent' && e.final && /open Monday to Friday/.test(e.text));
    await client.close();
    const stored = await eventually(async () => {
      const { body } = await conversationOf(user, session.conversationId);
      expect(body.messages).toHaveLength(3);
      return body;
    });
    expect(stored.messages[0]).toMatchObject({ role: 'agent', interrupted: true, text: heard });
  });

  it('answers malformed frames with error events and keeps the call going', async () => {
    const user = await registerUser();
    const { client, session } = await startSession(api, user);
    client.sendRaw('{not json');
    expect((await client.next('error')).code).toBe('bad_message');
    client.send({ type: 'dance' });
    expect((await client.next('error')).message).toMatch(/Expected one of start, stop, text, playback/);
    client.sendRaw(Buffer.alloc(100));
    expect((await client.next('error')).message).toMatch(/must be 640 bytes/);
    client.send({ type: 'text', text: 'what are your opening hours' });
    await client.waitFor('transcript', (e) => e.role === 'agent' && e.final && /open/.test(e.text));
    await client.close();

    // Hanging up ends the session; its owner can still read it.
    await eventually(async () => {
      const again = await api.http.get(`/v1/sessions/${session.id}`).set(user.auth);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('ended');
    });
  });

  it("closes the socket normally (1000) after the agent's goodbye when the caller says that's all, and ends the session", async () => {
    const user = await registerUser();
    const { client, session } = await startSession(api, user);
    client.send({ type: 'text', text: "that's all, goodbye" });
    const goodbye = await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);
    expect(goodbye).toMatchObject({ text: 'Thank you for calling. Goodbye!', interrupted: false });
    await eventually(() => expect(client.closed).toEqual({ code: 1000, reason: 'agent ended the call' }));
    await eventually(async () => {
      expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth)).body.status).toBe('ended');
      const { body } = await conversationOf(user, session.conversationId);
      expect(body.status).toBe('ended');
      expect(body.messages.map((m) => m.text)).toEqual(["that's all, goodbye", 'Thank you for calling. Goodbye!']);
    });
  });

  it('refuses the upgrade for a reused or unknown ticket', async () => {
    const user = await registerUser();
    const { client, session } = await startSession(api, user);
    if (session.connection.type !== 'websocket') throw new Error('expected websocket');
    await expect(MediaClient.connect(session.connection.url)).rejects.toThrow(/upgrade refused: 401/);
    await expect(MediaClient.connect(session.connection.url.replace(/ticket=[^&]+/, 'ticket=nope'))).rejects.toThrow(/upgrade refused: 401/);
    await client.close();
  });
});

describe('an expired ticket (manual clock)', () => {
  let api: VoiceApi;
  const clock = new ManualClock();
  beforeAll(async () => {
    api = await startVoiceApi({}, { clock });
  });
  afterAll(() => api?.close());

  it('is refused at the upgrade, and its session, never connected, has ended', async () => {
    const user = await registerUser();
    const res = await api.http.post('/v1/sessions').set(user.auth).send({}).expect(201);
    const session = res.body as CreateSessionResponse;
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    clock.advance(api.config.TICKET_TTL_SECONDS * 1000);
    await expect(MediaClient.connect(session.connection.url)).rejects.toThrow(/upgrade refused: 401/);
    expect((await api.http.get(`/v1/sessions/${session.id}`).set(user.auth).expect(200)).body.status).toBe('ended');
  });
});

describe('the transcript outbox during a call', () => {
  let persistence: PersistenceProcess;
  let api: VoiceApi;
  beforeAll(async () => {
    persistence = await startPersistenceApi();
    api = await startVoiceApi({ PERSISTENCE_API_URL: persistence.url });
  });
  afterAll(async () => {
    await api?.close();
    await persistence?.stop();
  });

  it('loses no turn and duplicates none when persistence-api restarts mid-call', async () => {
    const user = await registerUser(persistence.url);
    const { session, client } = await startSession(api, user);
    client.send({ type: 'text', text: 'what are your opening hours' });
    await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);
    await persistence.stop();
    client.send({ type: 'text', text: 'thank you' });
    await client.next('transcript', (e) => e.role === 'agent' && e.final);
    client.send({ type: 'text', text: 'goodbye' });
    await client.next('transcript', (e) => e.role === 'agent' && e.final);
    await persistence.start();
    await client.close();
    const stored = await eventually(async () => {
      const { body } = await conversationOf(user, session.conversationId, persistence.url);
      expect(body.messages).toHaveLength(6);
      expect(body.status).toBe('ended');
      return body;
    }, 60_000);
    expect(stored.messages.map((m) => m.text)).toEqual([
      'what are your opening hours',
      expect.stringMatching(/We're open/),
      'thank you',
      expect.stringMatching(/You're welcome/),
      'goodbye',
      'Thank you for calling. Goodbye!',
    ]);
  });
});

describe('shutting voice-api down during a call (what SIGTERM does)', () => {
  it('stores what the caller said and heard, ends the conversation, and leaves nothing pending', async () => {
    const api = await startVoiceApi();
    const user = await registerUser();
    const { session, client } = await startSession(api, user);
    client.send({ type: 'text', text: 'what are your opening hours' });
    await client.waitFor('agent_state', (e) => e.state === 'speaking');
    await new Promise((r) => setTimeout(r, 500));
    await api.close({ keepDataDir: true });

    const { body } = await conversationOf(user, session.conversationId);
    expect(body.status).toBe('ended');
    expect(body.messages.map((m) => [m.role, m.interrupted])).toEqual([
      ['user', false],
      ['agent', true],
    ]);
    expect(body.messages[0].text).toBe('what are your opening hours');
    expect(body.messages[1].text).toMatch(/^We're\b/); // cut to the words played before the shutdown
    // Nothing pending in any outbox directory (this process's own is removed once empty).
    const files = readdirSync(join(api.dataDir, 'outbox'), { recursive: true }).map(String);
    expect(files.filter((f) => /(^|\/)pending\/.+\.json$/.test(f))).toEqual([]);
    rmSync(api.dataDir, { recursive: true, force: true });
  });
});
