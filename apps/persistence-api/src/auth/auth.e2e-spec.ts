import type { LoginRequest, RegisterRequest, TokenResponse } from '@voice/contracts/persistence';
import { registerUser, startTestApp, uniqueEmail, type TestApp } from '../../test/test-app';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('registers, logs in and reads the profile with the access token', async () => {
    const { input } = await registerUser(t, { displayName: 'Ada' });
    const login = await t.http
      .post('/v1/auth/login')
      .send({ email: input.email, password: input.password } satisfies LoginRequest)
      .expect(200);
    const session = login.body as TokenResponse;
    expect(session.tokenType).toBe('Bearer');
    expect(session.expiresIn).toBe(900);
    const me = await t.http.get('/v1/me').set('Authorization', `Bearer ${session.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ email: input.email, displayName: 'Ada', language: 'en-US', timezone: 'UTC' });
  });

  it('refuses a weak password with the policy spelled out', async () => {
    const res = await t.http
      .post('/v1/auth/register')
      .send({ email: uniqueEmail(), password: 'short' } satisfies RegisterRequest)
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([
      { path: 'body.password', message: expect.stringContaining('at least 10 characters') },
    ]);
  });
});
