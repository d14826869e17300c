import { CLIENT_ADDRESS_HEADER, CLIENT_SECRET_HEADER, type LoginRequest } from '@voice/contracts/persistence';
import { expectError } from '@voice/testing/api-errors';
import { registerUser, startTestApp, someAddress, WEB_SECRET, wrongLogin, type TestApp } from '../../test/test-app';

describe('the client address of failed sign-ins', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No proxy (the default): an address may fail 4 x LOGIN_MAX_FAILURES = 4 times.
    t = await startTestApp({ LOGIN_MAX_FAILURES: '1' });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For by default: a client cannot pick a fresh address for each guess', async () => {
    for (let i = 0; i < 4; i++) expectError(await wrongLogin(t, { 'X-Forwarded-For': someAddress() }), 401, 'unauthorized');
    expectError(await wrongLogin(t, { 'X-Forwarded-For': someAddress() }), 429, 'rate_limited', /^Too many failed sign-in attempts/);
  });

  it("honours X-Client-Address only with web's secret: web's users do not share web's address", async () => {
    const browser = (address: string) => ({ [CLIENT_ADDRESS_HEADER]: address, [CLIENT_SECRET_HEADER]: WEB_SECRET });
    const guesser = someAddress();
    for (let i = 0; i < 4; i++) expectError(await wrongLogin(t, browser(guesser)), 401, 'unauthorized');
    expectError(await wrongLogin(t, browser(guesser)), 429, 'rate_limited');
    // Another browser behind web still signs in.
    const { input } = await registerUser(t);
    await t.http
      .post('/v1/auth/login')
      .set(browser(someAddress()))
      .send({ email: input.email, password: input.password } satisfies LoginRequest)
      .expect(200);
    // Without the secret (or with a wrong one) the header is ignored: the connection's address counts, and it is spent.
    expectError(await wrongLogin(t, { [CLIENT_ADDRESS_HEADER]: someAddress() }), 429, 'rate_limited');
    expectError(await wrongLogin(t, { [CLIENT_ADDRESS_HEADER]: someAddress(), [CLIENT_SECRET_HEADER]: `${WEB_SECRET}x` }), 429, 'rate_limited');
  });
});
