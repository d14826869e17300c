import type { TokenResponse } from '@voice/contracts/persistence';
import { CLIENT_ADDRESS_HEADER, CLIENT_SECRET_HEADER } from '@voice/contracts/persistence';
import { expectError } from '@voice/testing/api-errors';
import Redis from 'ioredis';
import type { Response } from 'supertest';
import { TEST_REDIS_URL } from '../test/redis';
import { serviceToken, startTestApp, someAddress, uniqueEmail, WEB_SECRET, wrongLogin, type TestApp } from '../test/test-app';

function expectRateLimited(res: Response, message: RegExp) {
  const error = expectError(res, 429, 'rate_limited', message);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(error.message).toContain(`Wait ${res.headers['retry-after'] as string} seconds`);
}

describe('request-rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_AUTH_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  const web = (address = someAddress()) => ({ [CLIENT_ADDRESS_HEADER]: address, [CLIENT_SECRET_HEADER]: WEB_SECRET });
  /** A user registered from an address of its own, so registering spends no test's budget. */
  async function newUser() {
    const res = await t.http.post('/v1/auth/register').set(web()).send({ email: uniqueEmail(), password: 'correct-horse-42' }).expect(201);
    const session = res.body as TokenResponse;
    return { id: session.user.id, auth: { Authorization: `Bearer ${session.accessToken}` } };
  }

  it('allows RATE_LIMIT_PER_MINUTE requests a minute per user, then answers 429 with Retry-After; other users are unaffected', async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    for (let i = 0; i < 3; i++) await t.http.get('/v1/me').set(alice.auth).expect(200);
    expectRateLimited(await t.http.get('/v1/me').set(alice.auth), /^Too many requests: the limit is 3 a minute\./);
    expectRateLimited(await t.http.get('/v1/conversations').set(alice.auth), /^Too many requests/);
    await t.http.get('/v1/me').set(bob.auth).expect(200);
  });

  it('counts anonymous requests per client address', async () => {
    const address = someAddress();
    for (let i = 0; i < 3; i++) await t.http.get('/.well-known/jwks.json').set(web(address)).expect(200);
    expectRateLimited(await t.http.get('/.well-known/jwks.json').set(web(address)), /^Too many requests/);
    await t.http.get('/.well-known/jwks.json').set(web()).expect(200);
  });

  it('holds the password-hashing endpoints to RATE_LIMIT_AUTH_PER_MINUTE per address, together', async () => {
    const browser = web();
    expectError(await wrongLogin(t, browser), 401, 'unauthorized');
    await t.http
      .post('/v1/auth/token')
      .set(browser)
      .send({ grant_type: 'client_credentials', client_id: 'voice-api', client_secret: 'wrong-secret' })
      .expect(401);
    expectRateLimited(
      await t.http.post('/v1/auth/register').set(browser).send({ email: uniqueEmail(), password: 'correct-horse-42' }),
      /^Too many sign-in, registration and token requests from one address: the limit is 2 a minute\./,
    );
  });

  it('never limits /health, nor the service credential', async () => {
    for (let i = 0; i < 10; i++) await t.http.get('/health').expect(200);
    const user = await newUser();
    const service = await serviceToken(t);
    for (let i = 0; i < 6; i++) {
      await t.http.post('/v1/conversations').set(service).send({ channel: 'web', userId: user.id }).expect(201);
    }
  });
});

describe('request-rate limits with REDIS_URL: two instances count together', () => {
  let a: TestApp;
  let b: TestApp;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  beforeAll(async () => {
    [a, b] = await Promise.all([0, 1].map(() => startTestApp({ REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_PER_MINUTE: '3' })));
  });
  afterAll(async () => {
    await Promise.all([a, b].map((t) => t?.close()));
    await redis.quit();
  });

  it("refuses on one instance the address that spent the minute's budget on both", async () => {
    const address = someAddress();
    const browser = { [CLIENT_ADDRESS_HEADER]: address, [CLIENT_SECRET_HEADER]: WEB_SECRET };
    try {
      for (const t of [a, b, a]) await t.http.get('/.well-known/jwks.json').set(browser).expect(200);
      expectRateLimited(await b.http.get('/.well-known/jwks.json').set(browser), /^Too many requests/);
    } finally {
      await redis.del(`persistence-api:rate-limit:address:${address}`);
    }
  });
});
