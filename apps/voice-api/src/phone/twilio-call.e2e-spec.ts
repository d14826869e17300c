import { heardText } from '@voice/agent/pipeline';
import { concat, silence, speak } from '@voice/agent/testing';
import { GREETING } from '@voice/clinic/agents';
import type { Appointment, Doctor } from '@voice/contracts/persistence';
import { postWebhook, TwilioMediaStream } from '@voice/testing/twilio-caller';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ManualClock } from '../../test/manual-clock';
import { agentFinished, callRecord, conversationIdOf, phoneConversation, placeCall, returningPatient, TEST_TWILIO } from '../../test/twilio';
import { eventually } from '../../test/users';
import { logLines, spokenMs, startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { PersistenceClient } from '../persistence/persistence-client';

jest.setTimeout(120_000);

const phoneNumber = () => `+1555${randomInt(1_000_000, 9_999_999)}`;
const weekdayIn = (timeZone: string, at: string) => new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone }).format(new Date(at));
/**
 * The day to ask for and the weekday it is: "tomorrow" when that is a clinic day (Monday to Friday),
 * otherwise "Monday". On the phone band the offline recogniser tells "tomorrow" and "Monday" apart
 * from the rest reliably; "Tuesday" often comes out as "today".
 */
function bookingDay(timeZone: string): { say: string; weekday: string } {
  const tomorrow = weekdayIn(timeZone, new Date(Date.now() + 86_400_000).toISOString());
  return ['Saturday', 'Sunday'].includes(tomorrow) ? { say: 'Monday', weekday: 'Monday' } : { say: 'tomorrow', weekday: tomorrow };
}

describe('a phone call over Twilio Media Streams (documented protocol, real speech, real persistence-api)', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi(TEST_TWILIO);
  });
  afterAll(() => api?.close());

  it('books an appointment for a caller known by number, confirmed with the keypad, and stores the call as a phone conversation', async () => {
    const caller = phoneNumber();
    const patient = await returningPatient(api, caller, 'Pat Caller');
    const { stream, ids, fields } = await placeCall(api, { from: caller });

    // The greeting: 8 kHz μ-law in 20 ms messages, tagged with the stream's id.
    await agentFinished(stream, 0);
    const greeting = stream.media();
    expect(greeting.length).toBeGreaterThan(50);
    for (const r of greeting) {
      expect(r.message.streamSid).toBe(stream.streamSid);
      expect(Buffer.from(r.message.media?.payload ?? '', 'base64').length).toBe(160);
    }
    expect(new Set(stream.received.map((r) => r.message.event))).toEqual(new Set(['media', 'mark']));

    const day = bookingDay(api.config.CLINIC_TIMEZONE);
    const say = async (text: string) => {
      await stream.speak(concat(speak(text), silence(900)));
      await agentFinished(stream, performance.now());
    };
    // Phone audio stops at 3.4 kHz, and the offline recogniser is a 16 kHz model: it hears these words
    // reliably there, not all of the web test's ("Alice Smith" comes out as "Alice eight").
    await say(`book an appointment with doctor Lopez ${day.say === 'Monday' ? 'on Monday' : 'tomorrow'}`);
    await say('yes that works');
    // "Shall I book it?": the caller presses 1 on the keypad.
    stream.dtmf('1');
    await agentFinished(stream, performance.now());

    const client = api.app.get(PersistenceClient);
    const doctors = await client.request('GET', '/v1/clinic/doctors', { schema: z.array(z.object({ id: z.string(), name: z.string() })) });
    const alice = doctors.find((d) => d.name === 'Dr. Carmen Lopez') as Pick<Doctor, 'id' | 'name'>;
    const appointments = (await client.request('GET', '/v1/clinic/appointments', {
      schema: z.array(z.object({ doctorId: z.string(), startsAt: z.string(), status: z.string() })),
      query: { patientId: patient.id },
    })) as Pick<Appointment, 'doctorId' | 'startsAt' | 'status'>[];
    const booked = appointments.filter((a) => a.doctorId === alice.id);
    expect(booked).toEqual([expect.objectContaining({ status: 'booked' })]);
    expect(weekdayIn(api.config.CLINIC_TIMEZONE, booked[0].startsAt)).toBe(day.weekday);

    await stream.hangUp(ids);
    const conversationId = conversationIdOf(api, ids.callSid) as string;
    expect(conversationId).toBeDefined();
    const stored = await eventually(async () => {
      const conversation = await phoneConversation(api, conversationId);
      expect(conversation.status).toBe('ended');
      return conversation;
    });
    expect(stored).toMatchObject({ channel: 'phone', externalParty: caller, userId: null });
    // The call record, through the outbox: its conversation, parties, outcome and length.
    const record = await eventually(async () => {
      const found = await callRecord(api, fields);
      expect(found.status).toBe('completed');
      return found;
    });
    expect(record).toMatchObject({ conversationId, provider: 'twilio', direction: 'inbound', from: caller, to: fields.To });
    expect(record.durationSec).toBeGreaterThanOrEqual(10);
    expect(Date.parse(record.endedAt as string) - Date.parse(record.startedAt)).toBeGreaterThanOrEqual(10_000);
    expect(stored.messages.map((m) => m.role)).toEqual(['agent', 'user', 'agent', 'user', 'agent', 'user', 'agent']);
    expect(stored.messages[5].text).toBe('yes (pressed 1)');
    expect(stored.messages[6].text).toMatch(/^You're booked with Dr\. Carmen Lopez/);
    expect(stored.messages[1].text.toLowerCase()).toContain('lopez');

    // Nothing secret in the logs: not the auth token, not the stream token.
    const logs = api.logs.join('\n');
    expect(logs).not.toContain(TEST_TWILIO.TWILIO_AUTH_TOKEN);
  });

  it("stops talking when the caller speaks over it (clear), and stores what Twilio's marks say was heard", async () => {
    const { stream, ids } = await placeCall(api);
    // A phone line plays well behind what was sent: only its marks can say what the caller heard.
    stream.playoutDelayMs = 400;
    await stream.waitFor('media');
    await new Promise((r) => setTimeout(r, 1500));
    const speaking = stream.speak(concat(speak('what are your opening hours'), silence(900)));
    const clear = await stream.waitFor('clear');
    expect(clear.message).toEqual({ event: 'clear', streamSid: stream.streamSid });
    const playedAtClear = stream.playedMs(clear.at);
    // Marks came with the audio, and the phone echoed those it played.
    expect(stream.received.filter((r) => r.message.event === 'mark' && r.at < clear.at).length).toBeGreaterThan(5);
    expect(stream.echoedMarks.filter((m) => m.at < clear.at).length).toBeGreaterThan(5);
    await speaking;
    // Nothing of the greeting after the clear: at most the playout lead was in flight.
    const late = stream.media().filter((r) => r.at > clear.at + 250 && r.at < clear.at + 700);
    expect(late).toEqual([]);
    await agentFinished(stream, performance.now());
    await stream.hangUp(ids);

    const conversationId = conversationIdOf(api, ids.callSid) as string;
    const stored = await eventually(async () => {
      const conversation = await phoneConversation(api, conversationId);
      expect(conversation.status).toBe('ended');
      expect(conversation.messages.length).toBeGreaterThanOrEqual(3);
      return conversation;
    });
    const cut = stored.messages[0];
    expect(cut).toMatchObject({ role: 'agent', interrupted: true });
    // Cut where the phone stopped playing, to the precision of the marks (40 ms) and their way back.
    const greeting = [{ text: GREETING, startMs: 0, endMs: await spokenMs(api, GREETING) }];
    expect(cut.text.length).toBeLessThan(GREETING.length);
    expect(GREETING.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeGreaterThanOrEqual(heardText(greeting, playedAtClear - 300).length);
    expect(cut.text.length).toBeLessThanOrEqual(heardText(greeting, playedAtClear).length);
    expect(stored.messages[1].role).toBe('user');
    expect(stored.messages[2].text).toMatch(/open Monday to Friday/);
  });

  it("takes Twilio's signed status callback into the call record, and refuses an unsigned one", async () => {
    const { stream, ids, fields } = await placeCall(api);
    await stream.waitFor('media');
    await stream.hangUp(ids);
    const status = { ...fields, CallStatus: 'completed', CallDuration: '42', Timestamp: new Date().toUTCString() };
    const url = `${api.url}/v1/phone/twilio/status`;
    expect((await postWebhook(url, { ...status, CallDuration: '4200' }, { signature: null })).status).toBe(403);
    expect((await postWebhook(url, { ...status, CallStatus: 'exploded' }, { authToken: TEST_TWILIO.TWILIO_AUTH_TOKEN })).status).toBe(400);
    expect((await postWebhook(url, status, { authToken: TEST_TWILIO.TWILIO_AUTH_TOKEN })).status).toBe(204);
    const record = await eventually(async () => {
      const found = await callRecord(api, fields);
      expect(found.durationSec).toBe(42);
      return found;
    });
    expect(record).toMatchObject({ status: 'completed', conversationId: conversationIdOf(api, ids.callSid) });
  });

  it('refuses a replayed stream token: the second stream is closed (1008) and no call starts', async () => {
    const { stream, ids, twiml } = await placeCall(api);
    await stream.waitFor('media');
    const replay = await TwilioMediaStream.connect(twiml.url);
    replay.start({ ...ids, customParameters: twiml.parameters });
    expect(await replay.waitClosed()).toMatchObject({ code: 1008 });
    expect(replay.media()).toEqual([]);
    await stream.hangUp(ids);
    expect(logLines(api.logs, /refused a media stream: stream token/).length).toBeGreaterThan(0);
  });

  it.each([
    ['no token', () => ({})],
    ['a made-up token', () => ({ token: 'x'.repeat(43) })],
  ])('refuses a stream with %s', async (_, parameters) => {
    const { stream, ids } = await placeCall(api, { start: false });
    stream.start({ ...ids, customParameters: parameters() });
    expect(await stream.waitClosed()).toMatchObject({ code: 1008 });
    expect(stream.media()).toEqual([]);
  });

  it("refuses a token used for another call's stream", async () => {
    const { stream, twiml, ids } = await placeCall(api, { start: false });
    stream.start({ ...ids, callSid: `CA${'a'.repeat(32)}`, customParameters: twiml.parameters });
    expect(await stream.waitClosed()).toMatchObject({ code: 1008 });
  });

  it('ends the call cleanly on a malformed message, logs why, and stays healthy', async () => {
    for (const bad of ['not json', JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { payload: 42 } }), JSON.stringify({ nothing: true })]) {
      const { stream, ids } = await placeCall(api);
      await stream.waitFor('media');
      stream.sendRaw(bad);
      expect(await stream.waitClosed()).toMatchObject({ code: 1000 });
      const conversationId = conversationIdOf(api, ids.callSid) as string;
      await eventually(async () => expect((await phoneConversation(api, conversationId)).status).toBe('ended'));
    }
    const lines = logLines(api.logs, /^malformed media stream message/);
    expect(lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/not JSON; ending the call/),
      expect.stringMatching(/"media" message with media.payload/),
      expect.stringMatching(/without an "event" name/),
    ]);
    // An event this version does not know is passed over, and the call goes on.
    const { stream, ids } = await placeCall(api);
    stream.send({ event: 'something-new', streamSid: stream.streamSid });
    await stream.waitFor('media');
    expect(stream.closed).toBeUndefined();
    await stream.hangUp(ids);
    await api.http.get('/health').expect(200);
  });
});

describe("phone stream tokens and the time cap (manual clock; a local stand-in for Twilio's REST API)", () => {
  let api: VoiceApi;
  const clock = new ManualClock(Date.now());
  /** Requests to the stand-in, which answers as Twilio documents for updating a call. */
  const restRequests: { method: string; url: string; authorization?: string; body: string }[] = [];
  const rest = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      restRequests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'completed' }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => rest.listen(0, '127.0.0.1', resolve));
    const { port } = rest.address() as AddressInfo;
    api = await startVoiceApi({ ...TEST_TWILIO, TWILIO_API_URL: `http://127.0.0.1:${port}` }, { clock });
  });
  afterAll(async () => {
    await api?.close();
    rest.close();
  });

  it('refuses a stream token presented after PHONE_STREAM_TOKEN_TTL_SECONDS', async () => {
    const { stream, ids, twiml } = await placeCall(api, { start: false });
    clock.advance(api.config.PHONE_STREAM_TOKEN_TTL_SECONDS * 1000);
    stream.start({ ...ids, customParameters: twiml.parameters });
    expect(await stream.waitClosed()).toMatchObject({ code: 1008 });
  });

  it("hangs up after the agent's goodbye has played when the caller says that's all, and through Twilio's REST API", async () => {
    const { stream, ids } = await placeCall(api);
    // The phone plays behind what was sent: the goodbye must still be heard to its end.
    stream.playoutDelayMs = 400;
    await agentFinished(stream, 0);
    const spokeAt = performance.now();
    await stream.speak(concat(speak("that's all, goodbye"), silence(900)));
    expect(await stream.waitClosed()).toMatchObject({ code: 1000, reason: 'agent ended the call' });
    const closedAt = performance.now();
    // The goodbye was sent in full, and the phone had played all of it when the stream closed.
    const goodbye = 'Thank you for calling. Goodbye!';
    const goodbyeMs = stream
      .media()
      .filter((r) => r.at > spokeAt)
      .reduce((ms, r) => ms + Buffer.from(r.message.media?.payload ?? '', 'base64').length / 8, 0);
    expect(goodbyeMs).toBe(await spokenMs(api, goodbye));
    expect(stream.playedMs(closedAt)).toBe(stream.receivedAudioMs);

    const conversationId = conversationIdOf(api, ids.callSid) as string;
    const stored = await eventually(async () => {
      const conversation = await phoneConversation(api, conversationId);
      expect(conversation.status).toBe('ended');
      return conversation;
    });
    expect(stored.messages.map((m) => [m.role, m.role === 'agent' ? m.text : ''])).toEqual([
      ['agent', GREETING],
      ['user', ''],
      ['agent', goodbye],
    ]);
    await eventually(() =>
      expect(restRequests.filter((r) => r.url.endsWith(`/Calls/${ids.callSid}.json`))).toEqual([
        expect.objectContaining({ method: 'POST', body: 'Status=completed' }),
      ]),
    );
  });

  it('ends a call after SESSION_MAX_MINUTES', async () => {
    const { stream, ids } = await placeCall(api);
    await stream.waitFor('media');
    await eventually(() => expect(conversationIdOf(api, ids.callSid)).toBeDefined());
    clock.advance(api.config.SESSION_MAX_MINUTES * 60_000);
    expect(await stream.waitClosed()).toMatchObject({ code: 1000, reason: 'time limit' });
    const conversationId = conversationIdOf(api, ids.callSid) as string;
    await eventually(async () => expect((await phoneConversation(api, conversationId)).status).toBe('ended'));
    // And hung up through Twilio's REST API, authenticated as the account.
    const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token } = TEST_TWILIO;
    await eventually(() =>
      expect(restRequests.filter((r) => r.url.endsWith(`/Calls/${ids.callSid}.json`))).toEqual([
        {
          method: 'POST',
          url: `/2010-04-01/Accounts/${sid}/Calls/${ids.callSid}.json`,
          authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`,
          body: 'Status=completed',
        },
      ]),
    );
  });
});
