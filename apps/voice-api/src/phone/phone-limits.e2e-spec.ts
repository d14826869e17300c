import { connectStream, postWebhook, TwilioMediaStream } from '@voice/testing/twilio-caller';
import { randomInt } from 'node:crypto';
import { ManualClock } from '../../test/manual-clock';
import { incomingCall, TEST_TWILIO } from '../../test/twilio';
import { eventually } from '../../test/users';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { PHONE_VOICE_PATH } from './phone-paths';

jest.setTimeout(60_000);

const authToken = TEST_TWILIO.TWILIO_AUTH_TOKEN;
const phoneNumber = () => `+1555${randomInt(1_000_000, 9_999_999)}`;
async function call(api: VoiceApi, from: string) {
  const fields = incomingCall({ From: from, Caller: from });
  return { fields, ...(await postWebhook(`${api.url}${PHONE_VOICE_PATH}`, fields, { authToken })) };
}

describe.each([
  ['in this process', {}],
  ['in Redis', { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' }],
])('at most PHONE_MAX_CALLS_PER_NUMBER calls at once from one number (counters %s)', (_, env: Record<string, string>) => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ ...TEST_TWILIO, ...env });
  });
  afterAll(() => api?.close());

  it('tells the fourth caller so and hangs up, takes other numbers, and frees a slot when a call ends', async () => {
    const from = phoneNumber();
    const answers = [await call(api, from), await call(api, from), await call(api, from)];
    for (const a of answers) expect(connectStream(a.text).url).toMatch(/\/v1\/phone\/twilio\/media$/);
    const fourth = await call(api, from);
    expect(fourth.status).toBe(200);
    expect(fourth.text).toMatch(/<Say>Sorry, there are already 3 calls from your number in progress\. Please call again later\.<\/Say><Hangup\/>/);
    expect(fourth.text).not.toMatch(/<Stream/);
    expect((await call(api, phoneNumber())).status).toBe(200);
    expect(connectStream((await call(api, phoneNumber())).text)).toBeDefined();

    // The first call connects and hangs up: its slot frees.
    const first = connectStream(answers[0].text);
    const stream = await TwilioMediaStream.connect(first.url);
    const ids = { accountSid: answers[0].fields.AccountSid, callSid: answers[0].fields.CallSid };
    stream.start({ ...ids, customParameters: first.parameters });
    await stream.waitFor('media');
    expect(await call(api, from)).toMatchObject({ text: expect.stringMatching(/<Hangup\/>/) });
    await stream.hangUp(ids);
    await eventually(async () => expect((await call(api, from)).text).toMatch(/<Stream/));
    expect(logLines(api.logs, /too many calls from this number/).length).toBeGreaterThan(0);
  });
});

describe('a source failing signature validation 5 times in 10 minutes is refused for 15 minutes', () => {
  let api: VoiceApi;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    api = await startVoiceApi(TEST_TWILIO, { clock });
  });
  afterAll(() => api?.close());

  it('refuses even signed calls while blocked, and takes them again after 15 minutes', async () => {
    const webhook = `${api.url}${PHONE_VOICE_PATH}`;
    for (let i = 0; i < 4; i++) expect((await postWebhook(webhook, incomingCall(), { signature: 'bad' })).status).toBe(403);
    // Four failures: a signed call still goes through.
    expect((await postWebhook(webhook, incomingCall(), { authToken })).status).toBe(200);
    expect((await postWebhook(webhook, incomingCall(), { signature: 'bad' })).status).toBe(403);
    const refused = await postWebhook(webhook, incomingCall(), { authToken });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { message: expect.stringMatching(/refused for 15 minutes/) } });
    clock.advance(14 * 60_000);
    expect((await postWebhook(webhook, incomingCall(), { authToken })).status).toBe(403);
    clock.advance(60_000);
    expect((await postWebhook(webhook, incomingCall(), { authToken })).status).toBe(200);
    await eventually(() => expect(logLines(api.logs, /blocked source/).length).toBe(2));
  });

  it('forgets failures older than 10 minutes', async () => {
    const webhook = `${api.url}${PHONE_VOICE_PATH}`;
    for (let i = 0; i < 4; i++) expect((await postWebhook(webhook, incomingCall(), { signature: 'bad' })).status).toBe(403);
    clock.advance(10 * 60_000);
    expect((await postWebhook(webhook, incomingCall(), { signature: 'bad' })).status).toBe(403);
    expect((await postWebhook(webhook, incomingCall(), { authToken })).status).toBe(200);
  });
});
