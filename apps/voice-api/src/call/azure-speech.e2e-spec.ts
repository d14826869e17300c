import { concat, silence, speak, startFakeAzureSpeech, type FakeAzureSpeech } from '@voice/agent/testing';
import { MEDIA_FRAME_BYTES } from '@voice/contracts/media';
import type { CreateSessionResponse } from '@voice/contracts/voice';
import { MediaClient } from '@voice/testing/media-client';
import { conversationOf, eventually, registerUser } from '../../test/users';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';

jest.setTimeout(120_000);

const KEY = 'azure-e2e-key-0123456789abcdef';
const QUESTION = 'what are your opening hours';

describe("a call with STT_PROVIDER=azure and TTS_PROVIDER=azure (against a local server speaking Azure Speech's protocol)", () => {
  let fake: FakeAzureSpeech;
  let api: VoiceApi;
  beforeAll(async () => {
    // Whatever the agent says, Azure "speaks" this: one second of espeak at 24 kHz is plenty.
    const voice = speak('hello there');
    fake = await startFakeAzureSpeech({
      key: KEY,
      // The caller's one utterance: every word is revealed once 0.5 s of it has arrived.
      script: [{ words: QUESTION.split(' '), bytes: 16_000 }],
      speech: Buffer.from(voice.buffer, voice.byteOffset, voice.byteLength),
    });
    api = await startVoiceApi({ STT_PROVIDER: 'azure', TTS_PROVIDER: 'azure', AZURE_SPEECH_KEY: KEY, AZURE_SPEECH_ENDPOINT: fake.endpoint });
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it('greets with Azure TTS, hears the caller through Azure STT with interim words, and answers', async () => {
    const user = await registerUser();
    const session = (await api.http.post('/v1/sessions').set(user.auth).send({}).expect(201)).body as CreateSessionResponse;
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    const client = await MediaClient.connect(session.connection.url);
    await client.waitFor('ready');
    client.send({ type: 'start' });
    await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);
    expect(client.audio.length).toBeGreaterThan(10);
    expect(new Set(client.audio.map((f) => f.bytes))).toEqual(new Set([MEDIA_FRAME_BYTES]));
    expect(fake.synthesisRequests[0].body).toContain('<voice name="en-US-AvaMultilingualNeural">');

    await client.stream(concat(speak(QUESTION), silence(900)));
    const heard = await client.waitFor('transcript', (e) => e.role === 'user' && e.final);
    expect(heard.text).toBe('what are your opening hours.');
    const interims = client.events.map((x) => x.event).filter((e) => e.type === 'transcript' && e.role === 'user' && !e.final);
    expect(interims.length).toBeGreaterThan(0);
    await client.waitFor('transcript', (e) => e.role === 'agent' && e.final && /open Monday to Friday/.test(e.text));
    expect(fake.recognitions.length).toBeGreaterThan(0);

    client.send({ type: 'stop' });
    await eventually(() => expect(client.closed).toBeDefined());
    const stored = await eventually(async () => {
      const { body } = await conversationOf(user, session.conversationId);
      expect(body.status).toBe('ended');
      return body;
    });
    expect(stored.messages.map((m) => [m.role, m.text])).toContainEqual(['user', 'what are your opening hours.']);
    expect(api.logs.join('\n')).not.toContain(KEY);
  });
});
