import { connectStream, postWebhook, twilioSignature } from '@voice/testing/twilio-caller';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { incomingCall, TEST_TWILIO } from '../../test/twilio';
import { PHONE_VOICE_PATH } from './phone-paths';

jest.setTimeout(60_000);

const authToken = TEST_TWILIO.TWILIO_AUTH_TOKEN;

describe('the incoming-call webhook (Twilio, signed, answered with <Connect><Stream>)', () => {
  let api: VoiceApi;
  let webhook: string;
  beforeAll(async () => {
    api = await startVoiceApi(TEST_TWILIO);
    webhook = `${api.url}${PHONE_VOICE_PATH}`;
  });
  afterAll(() => api?.close());

  it('answers a signed call with TwiML connecting it to the media WebSocket, the token as a <Parameter>', async () => {
    const res = await postWebhook(webhook, incomingCall(), { authToken });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    const stream = connectStream(res.text);
    expect(stream.url).toBe(`${api.url.replace(/^http/, 'ws')}/v1/phone/twilio/media`);
    expect(stream.parameters).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    // Twilio does not forward a <Stream> URL's query string: the token is only in the <Parameter>.
    expect(new URL(stream.url).search).toBe('');
    // A second call gets a token of its own.
    const again = connectStream((await postWebhook(webhook, incomingCall(), { authToken })).text);
    expect(again.parameters.token).not.toBe(stream.parameters.token);
  });

  it('refuses a signed call of another Twilio account (403) and a call without a CallSid (400)', async () => {
    const other = await postWebhook(webhook, incomingCall({ AccountSid: `AC${'f'.repeat(32)}` }), { authToken });
    expect(other.status).toBe(403);
    const { CallSid: _, ...noSid } = incomingCall();
    const bad = await postWebhook(webhook, noSid, { authToken });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { message: expect.stringMatching(/CallSid/) } });
  });

  it.each([
    ['no signature', { signature: null }],
    ['a signature made with another auth token', { authToken: 'another-accounts-auth-token-000000' }],
    ['a signature for another URL', { authToken, signedUrl: 'https://elsewhere.example.com/v1/phone/twilio/voice' }],
    ['a garbled signature', { signature: 'not-base64!' }],
  ] as const)('refuses %s with 403 and no TwiML', async (_, sign) => {
    const res = await postWebhook(webhook, incomingCall(), sign);
    expect(res.status).toBe(403);
    expect(res.text).not.toMatch(/<Response|<Stream/);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/X-Twilio-Signature/) } });
  });

  it('refuses a field changed after signing', async () => {
    const fields = incomingCall();
    const signature = twilioSignature(authToken, webhook, fields);
    const res = await postWebhook(webhook, { ...fields, From: '+15550009999' }, { signature });
    expect(res.status).toBe(403);
    const refused = logLines(api.logs, /refused a phone webhook/);
    expect(refused.length).toBeGreaterThan(0);
    // The log names the source, never the signature.
    expect(api.logs.join('\n')).not.toContain(signature);
  });

  it('keeps the rest of the API JSON-only', async () => {
    const res = await api.http.post('/v1/sessions').set('content-type', 'application/x-www-form-urlencoded').send('agent=receptionist');
    expect(res.status).toBe(415);
  });
});

describe('the incoming-call webhook behind a proxy (PUBLIC_URL)', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ ...TEST_TWILIO, PUBLIC_URL: 'https://voice.example.com' });
  });
  afterAll(() => api?.close());

  it('checks the signature against the public URL Twilio called, and streams to its wss:// twin', async () => {
    const local = `${api.url}${PHONE_VOICE_PATH}`;
    const res = await postWebhook(local, incomingCall(), { authToken, signedUrl: `https://voice.example.com${PHONE_VOICE_PATH}` });
    expect(res.status).toBe(200);
    expect(connectStream(res.text).url).toBe('wss://voice.example.com/v1/phone/twilio/media');
    // Signed for the address the proxy forwarded to: not what Twilio signs.
    expect((await postWebhook(local, incomingCall(), { authToken })).status).toBe(403);
  });
});

describe('the incoming-call webhook without Twilio credentials', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi();
  });
  afterAll(() => api?.close());

  it('answers 404 saying phone calls are off', async () => {
    const res = await postWebhook(`${api.url}${PHONE_VOICE_PATH}`, incomingCall(), { authToken });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ error: { message: expect.stringMatching(/TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/) } });
  });
});
