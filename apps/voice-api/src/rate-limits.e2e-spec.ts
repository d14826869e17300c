import { expectError } from '@voice/testing/api-errors';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { registerUser } from '../test/users';
import { startVoiceApi, type VoiceApi } from '../test/voice-api';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function expectRateLimited(res: Response) {
  const error = expectError(res, 429, 'rate_limited', /^Too many requests: the limit is 3 a minute\. Wait \d+ seconds and try again\.$/);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(error.message).toContain(`Wait ${res.headers['retry-after'] as string} seconds`);
}

/** Any authenticated route will do: ending a session that does not exist answers 404. */
const endUnknownSession = (api: VoiceApi, auth: Record<string, string>) => api.http.delete(`/v1/sessions/${randomUUID()}`).set(auth);

describe('request-rate limits', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => api?.close());

  it('allows RATE_LIMIT_PER_MINUTE requests a minute per user, then answers 429 with Retry-After; other users are unaffected', async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    for (let i = 0; i < 3; i++) expect((await endUnknownSession(api, alice.auth)).status).toBe(404);
    expectRateLimited(await endUnknownSession(api, alice.auth));
    expectRateLimited(await api.http.post('/v1/sessions').set(alice.auth).send({}));
    expect((await endUnknownSession(api, bob.auth)).status).toBe(404);
  });

  it('counts anonymous requests (and invalid tokens) per client address, and never limits /health', async () => {
    for (let i = 0; i < 3; i++) expect((await endUnknownSession(api, { Authorization: 'Bearer not-a-token' })).status).toBe(401);
    expectRateLimited(await endUnknownSession(api, {}));
    for (let i = 0; i < 8; i++) expect((await api.http.get('/health')).status).not.toBe(429);
  });
});

describe('request-rate limits with REDIS_URL: two instances count together', () => {
  let a: VoiceApi;
  let b: VoiceApi;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  beforeAll(async () => {
    [a, b] = await Promise.all([0, 1].map(() => startVoiceApi({ RATE_LIMIT_PER_MINUTE: '3', REDIS_URL: TEST_REDIS_URL })));
  });
  afterAll(async () => {
    await Promise.all([a, b].map((api) => api?.close()));
    await redis.quit();
  });

  it("refuses on one instance the user who spent the minute's budget on both", async () => {
    const user = await registerUser();
    try {
      for (const api of [a, b, a]) expect((await endUnknownSession(api, user.auth)).status).toBe(404);
      expectRateLimited(await endUnknownSession(b, user.auth));
    } finally {
      await redis.del(`voice-api:rate-limit:user:${user.userId}`);
    }
  });
});
