import type {
  ConfirmPhoneVerificationRequest,
  Conversation,
  ConversationPage,
  CreateConversationRequest,
  PhoneOwner,
  PhoneVerificationStarted,
  Profile,
  StartPhoneVerificationRequest,
} from '@voice/contracts/persistence';
import { expectError, expectValidation } from '@voice/testing/api-errors';
import { randomInt } from 'node:crypto';
import { registerUser, serviceToken, startTestApp, type TestApp } from '../../test/test-app';
import { STAND_IN_FROM, STAND_IN_SID, STAND_IN_TOKEN, TwilioStandIn } from '../../test/twilio-stand-in';
import { PhoneVerificationEntity } from './entities/phone-verification.entity';

/** A number no other test (or earlier run on the same database) uses. */
const somePhone = () => `+1555${randomInt(1_000_000, 9_999_999)}`;
type User = Awaited<ReturnType<typeof registerUser>>;

describe('phone verification by SMS, with Twilio played by a local stand-in', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;
  let service: Record<string, string>;
  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    t = await startTestApp({
      TWILIO_ACCOUNT_SID: STAND_IN_SID,
      TWILIO_AUTH_TOKEN: STAND_IN_TOKEN,
      TWILIO_SMS_FROM: STAND_IN_FROM,
      TWILIO_API_BASE_URL: twilio.url,
    });
    service = await serviceToken(t);
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
  });

  const start = (user: User, phone: string) =>
    t.http
      .post('/v1/me/phone/verification')
      .set(user.auth)
      .send({ phone } satisfies StartPhoneVerificationRequest);
  const confirm = (user: User, phone: string, code: string) =>
    t.http
      .post('/v1/me/phone/verification/confirm')
      .set(user.auth)
      .send({ phone, code } satisfies ConfirmPhoneVerificationRequest);
  const verify = async (user: User, phone: string) => {
    await start(user, phone).expect(201);
    return (await confirm(user, phone, twilio.lastCode(phone)).expect(200)).body as Profile;
  };
  const owner = (phone: string) => t.http.get(`/v1/phone-owners/${encodeURIComponent(phone)}`).set(service);
  const callFrom = async (phone: string) =>
    (
      await t.http
        .post('/v1/conversations')
        .set(service)
        .send({ channel: 'phone', externalParty: phone } satisfies CreateConversationRequest)
        .expect(201)
    ).body as Conversation;
  const history = async (user: User) => ((await t.http.get('/v1/conversations').set(user.auth).expect(200)).body as ConversationPage).items.map((c) => c.id);
  /** Moves this user's stored codes back in time, as waiting would. */
  const age = async (user: User, field: 'sentAt' | 'expiresAt', seconds: number) => {
    const repo = t.db.getRepository(PhoneVerificationEntity);
    for (const row of await repo.findBy({ userId: user.session.user.id })) {
      await repo.update({ id: row.id }, { [field]: new Date(row[field].getTime() - seconds * 1000) });
    }
  };

  it('sends a 6-digit code, confirms it, and shows the verified number on the profile', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    const before = Date.now();
    const started = (await start(user, phone).expect(201)).body as PhoneVerificationStarted;
    expect(started.phone).toBe(phone);
    expect(Date.parse(started.expiresAt) - before).toBeGreaterThanOrEqual(599_000);
    expect(Date.parse(started.expiresAt) - before).toBeLessThan(660_000);
    expect(Date.parse(started.resendAfter) - before).toBeGreaterThanOrEqual(29_000);
    const sms = twilio.received.at(-1)!;
    expect(sms).toMatchObject({ to: phone, from: STAND_IN_FROM });
    expect(sms.body).toMatch(/^\d{6} is your verification code/);
    // Only the hash is stored, never the code itself.
    const stored = JSON.stringify(await t.db.query('SELECT * FROM phone_verifications'));
    expect(stored).not.toContain(twilio.lastCode(phone));

    const profile = (await confirm(user, phone, twilio.lastCode(phone)).expect(200)).body as Profile;
    expect(profile).toMatchObject({ id: user.session.user.id, phone, phoneVerifiedAt: expect.any(String) });
    expect((await t.http.get('/v1/me').set(user.auth).expect(200)).body).toEqual(profile);
    expect((await owner(phone).expect(200)).body).toEqual({ phone, userId: user.session.user.id, verifiedAt: profile.phoneVerifiedAt! } satisfies PhoneOwner);
    // The code works once.
    expectValidation(await confirm(user, phone, twilio.lastCode(phone)), 'body.phone', /no code waiting/);
    expectError(await start(user, phone), 409, 'conflict', /already verified/);
  });

  it('allows five tries: then even the right code is refused until a new one is sent', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    await start(user, phone).expect(201);
    const right = twilio.lastCode(phone);
    const wrong = right === '000000' ? '111111' : '000000';
    for (const left of [4, 3, 2, 1]) expectValidation(await confirm(user, phone, wrong), 'body.code', new RegExp(`is wrong: ${left} tr`));
    expectValidation(await confirm(user, phone, wrong), 'body.code', /last try/);
    expectValidation(await confirm(user, phone, right), 'body.code', /tried too many times/);
    expect((await t.http.get('/v1/me').set(user.auth).expect(200)).body).toMatchObject({ phone: null, phoneVerifiedAt: null });
    await owner(phone).expect(404);
  });

  it('refuses an expired code', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    await start(user, phone).expect(201);
    await age(user, 'expiresAt', 601);
    expectValidation(await confirm(user, phone, twilio.lastCode(phone)), 'body.code', /expired/);
  });

  it('makes the user wait 30 s between codes, and a new code replaces the old one', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    await start(user, phone).expect(201);
    const first = twilio.lastCode(phone);
    const sent = twilio.received.length;
    const res = await start(user, phone);
    expectError(res, 429, 'rate_limited', /wait \d+ s/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(twilio.received.length).toBe(sent);

    await age(user, 'sentAt', 31);
    await start(user, phone).expect(201);
    const second = twilio.lastCode(phone);
    if (first !== second) expectValidation(await confirm(user, phone, first), 'body.code', /is wrong/);
    await confirm(user, phone, second).expect(200);
  });

  it('sends one code when the same user asks several times at once', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    const sent = twilio.received.length;
    const answers = await Promise.all([1, 2, 3, 4].map(() => start(user, phone)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 429, 429, 429]);
    expect(twilio.received.length).toBe(sent + 1);
    await confirm(user, phone, twilio.lastCode(phone)).expect(200);
  });

  it('keeps the previous code working when a new one cannot be sent', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    await start(user, phone).expect(201);
    const first = twilio.lastCode(phone);
    await age(user, 'sentAt', 31);
    twilio.replyWith({ status: 503, code: 20503, message: 'Service Unavailable' });
    expectError(await start(user, phone), 502, 'provider_failed');
    await confirm(user, phone, first).expect(200);
  });

  it('limits codes per number across accounts, so nobody can flood a phone', async () => {
    const phone = somePhone();
    for (let i = 0; i < 5; i++) await start(await registerUser(t), phone).expect(201);
    const res = await start(await registerUser(t), phone);
    expectError(res, 429, 'rate_limited', /Too many codes sent to this number/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
  });

  it('limits codes per account across numbers', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 5; i++) {
      await start(user, somePhone()).expect(201);
      await age(user, 'sentAt', 31);
    }
    expectError(await start(user, somePhone()), 429, 'rate_limited', /Too many codes sent for your account/);
    // An hour later the old codes count for nothing, and are deleted when the next one is sent.
    await age(user, 'sentAt', 3600);
    await start(user, somePhone()).expect(201);
    expect(await t.db.getRepository(PhoneVerificationEntity).countBy({ userId: user.session.user.id })).toBe(1);
  });

  it('answers 400 on body.phone when Twilio refuses the number (21211), and stores nothing', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    twilio.replyWith({ status: 400, code: 21211, message: `The 'To' number ${phone} is not a valid phone number.` });
    expectValidation(await start(user, phone), 'body.phone', /not a valid phone number/);
    // No cool-down started: the next try goes out at once.
    await start(user, phone).expect(201);
  });

  it('answers 502 when Twilio fails (500), and the code is not marked sent', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    twilio.replyWith({ status: 500, code: 20500, message: 'Internal Server Error' });
    expectError(await start(user, phone), 502, 'provider_failed', /nothing was sent/);
    expectValidation(await confirm(user, phone, '123456'), 'body.phone', /no code waiting/);
    await start(user, phone).expect(201);
  });

  it.each([
    ['a national number', { phone: '0151123456' }, 'body.phone', /E\.164/],
    ['no number', {}, 'body.phone', /./],
    ['an unknown field', { phone: '+15551234567', userId: 'x' }, 'body', /unknown field/],
  ])('refuses to send a code to %s with 400', async (_, input, path, message) => {
    const user = await registerUser(t);
    expectValidation(await t.http.post('/v1/me/phone/verification').set(user.auth).send(input), path, message);
  });

  it.each([
    ['letters', '12ab56'],
    ['five digits', '12345'],
  ])('refuses a code of %s with 400 on body.code', async (_, code) => {
    const user = await registerUser(t);
    expectValidation(await confirm(user, somePhone(), code), 'body.code', /6-digit code/);
  });

  it('refuses anonymous callers, and users on the service lookup', async () => {
    const user = await registerUser(t);
    expectError(await t.http.post('/v1/me/phone/verification').send({ phone: somePhone() }), 401, 'unauthorized');
    expectError(await t.http.delete('/v1/me/phone'), 401, 'unauthorized');
    expectError(await t.http.get(`/v1/phone-owners/${encodeURIComponent(somePhone())}`).set(user.auth), 403, 'forbidden');
    const narrow = await serviceToken(t, 'conversations:write');
    expectError(await t.http.get(`/v1/phone-owners/${encodeURIComponent(somePhone())}`).set(narrow), 403, 'forbidden', /phone-owners:read/);
    expectValidation(await t.http.get('/v1/phone-owners/12345').set(service), 'params.phone', /E\.164/);
  });

  it('moves a number to whoever verifies it last; the previous holder keeps it unverified', async () => {
    const [first, second] = [await registerUser(t), await registerUser(t)];
    const phone = somePhone();
    await verify(first, phone);
    const firstCall = await callFrom(phone);
    await verify(second, phone);
    expect((await t.http.get('/v1/me').set(first.auth).expect(200)).body).toMatchObject({ phone, phoneVerifiedAt: null });
    expect((await owner(phone).expect(200)).body).toMatchObject({ userId: second.session.user.id });
    // What was already the first holder's stays theirs; new calls go to the new holder.
    expect(await history(first)).toContain(firstCall.id);
    expect((await callFrom(phone)).userId).toBe(second.session.user.id);
  });

  describe('linking calls from the number', () => {
    it('leaves calls from an unverified number to the number alone, and gives them to the user who verifies it', async () => {
      const [user, bystander] = [await registerUser(t), await registerUser(t)];
      const phone = somePhone();
      await t.http.patch('/v1/me').set(user.auth).send({ phone }).expect(200);
      await owner(phone).expect(404);
      const earlier = await callFrom(phone);
      expect(earlier).toMatchObject({ userId: null, externalParty: phone, channel: 'phone' });
      expect(await history(user)).not.toContain(earlier.id);
      // A conversation a service client created for someone else keeps its owner.
      const others = (
        await t.http
          .post('/v1/conversations')
          .set(service)
          .send({ channel: 'phone', externalParty: phone, userId: bystander.session.user.id } satisfies CreateConversationRequest)
          .expect(201)
      ).body as Conversation;

      await verify(user, phone);
      expect(await history(user)).toContain(earlier.id);
      expect(await history(user)).not.toContain(others.id);
      const later = await callFrom(phone);
      expect(later.userId).toBe(user.session.user.id);
      expect(await history(user)).toContain(later.id);
    });

    it('stops linking once the number is removed, and keeps what was linked', async () => {
      const user = await registerUser(t);
      const phone = somePhone();
      await verify(user, phone);
      const linked = await callFrom(phone);
      await t.http.delete('/v1/me/phone').set(user.auth).expect(204);
      expect((await t.http.get('/v1/me').set(user.auth).expect(200)).body).toMatchObject({ phone: null, phoneVerifiedAt: null });
      await owner(phone).expect(404);
      expect((await callFrom(phone)).userId).toBeNull();
      expect(await history(user)).toContain(linked.id);
    });

    it('drops the verification when the profile phone changes to another number', async () => {
      const user = await registerUser(t);
      const phone = somePhone();
      await verify(user, phone);
      const same = (await t.http.patch('/v1/me').set(user.auth).send({ phone }).expect(200)).body as Profile;
      expect(same.phoneVerifiedAt).toEqual(expect.any(String));
      const other = somePhone();
      expect((await t.http.patch('/v1/me').set(user.auth).send({ phone: other }).expect(200)).body).toMatchObject({ phone: other, phoneVerifiedAt: null });
      await owner(phone).expect(404);
      expect((await callFrom(phone)).userId).toBeNull();
    });
  });
});

describe('phone verification in development without an SMS provider', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('prints the code to the console, marked development-only, and the code verifies the number', async () => {
    const user = await registerUser(t);
    const phone = somePhone();
    await t.http.post('/v1/me/phone/verification').set(user.auth).send({ phone }).expect(201);
    const line = t.logs.find((l) => l.includes('DEVELOPMENT ONLY') && l.includes(phone));
    expect(line).toMatch(/no SMS was sent/);
    const code = /(\d{6}) is your verification code/.exec(line!)![1];
    const profile = (await t.http.post('/v1/me/phone/verification/confirm').set(user.auth).send({ phone, code }).expect(200)).body as Profile;
    expect(profile).toMatchObject({ phone, phoneVerifiedAt: expect.any(String) });
  });
});
