import { ApiError } from '@voice/server-kit';
import { STAND_IN_FROM, STAND_IN_SID, STAND_IN_TOKEN, TwilioStandIn } from '../../test/twilio-stand-in';
import { TwilioSmsSender } from './twilio-sms-sender';

/** The real sender against a local stand-in of Twilio's Messages API (no network to Twilio here). */
describe('TwilioSmsSender against a local Twilio stand-in', () => {
  let twilio: TwilioStandIn;
  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
  });
  afterAll(() => twilio.close());

  const sender = (overrides: Partial<{ authToken: string; baseUrl: string }> = {}) =>
    new TwilioSmsSender({ accountSid: STAND_IN_SID, authToken: STAND_IN_TOKEN, from: STAND_IN_FROM, baseUrl: twilio.url, timeoutMs: 2_000, ...overrides });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the send to fail');
      },
      (err: unknown) => err as ApiError,
    );

  it('posts To, From and Body form-encoded with basic auth', async () => {
    await sender().send('+14155550123', 'Your code is 123456');
    expect(twilio.received.at(-1)).toEqual({ accountSid: STAND_IN_SID, to: '+14155550123', from: STAND_IN_FROM, body: 'Your code is 123456' });
  });

  it.each([
    [21211, "The 'To' number +1415 is not a valid phone number.", /not a valid phone number/],
    [21614, "'To' number is not a valid mobile number", /mobile number/],
    [21610, 'Attempt to send to unsubscribed recipient', /opted out/],
  ])('turns Twilio error %i into a 400 on body.phone', async (code, message, ours) => {
    twilio.replyWith({ status: 400, code, message });
    const err = await failure(sender().send('+14155550123', 'x'));
    expect(err.getStatus()).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.details).toEqual([{ path: 'body.phone', message: expect.stringMatching(ours) }]);
  });

  it.each([
    ['wrong credentials (401)', () => sender({ authToken: 'not-the-token-0123456789' }).send('+14155550123', 'x')],
    [
      'a server error (500)',
      () => {
        twilio.replyWith({ status: 500, code: 20500, message: 'Internal Server Error' });
        return sender().send('+14155550123', 'x');
      },
    ],
    [
      'an unmapped 400 (21606, From not capable)',
      () => {
        twilio.replyWith({ status: 400, code: 21606, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number" });
        return sender().send('+14155550123', 'x');
      },
    ],
    ['no server at all', () => sender({ baseUrl: 'http://127.0.0.1:1' }).send('+14155550123', 'x')],
  ])('answers 502 provider_failed for %s, without the token in the message', async (_, send) => {
    const err = await failure(send());
    expect(err.getStatus()).toBe(502);
    expect(err.code).toBe('provider_failed');
    expect(err.message).toMatch(/nothing was sent/);
    expect(err.message).not.toContain(STAND_IN_TOKEN);
  });
});
