import type { ClientCredentialsResponse, JwksResponse } from '@voice/contracts/persistence';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPKCS8, SignJWT, type JWTPayload } from 'jose';
import { expectError } from '@voice/testing/api-errors';
import { freePort } from '@voice/testing';
import { TEST_SERVICE_SECRET } from '../../test/persistence-process';
import { persistenceUrl, registerUser, type TestUser } from '../../test/users';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';

const INVALID = 'Access token is invalid: sign in again';
const MISSING = 'Missing access token: send "Authorization: Bearer <token>"';

/** persistence-api's own development signing key, so tokens differ from real ones only in what a test changes. */
const signingKeyPem = () => readFileSync(join(process.env.VOICE_TEST_PERSISTENCE_DATA_DIR as string, 'jwt-signing-key.pem'), 'utf8');

async function sign(claims: JWTPayload, options: { pem?: string; kid: string; alg?: 'ES256' }): Promise<string> {
  const key = await importPKCS8(options.pem ?? signingKeyPem(), 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: options.kid }).sign(key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('user authentication (JWT from the JWKS of a real persistence-api)', () => {
  let api: VoiceApi;
  let user: TestUser;
  let kid: string;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: JWTPayload = {}): JWTPayload => ({
    typ: 'user',
    email: user.email,
    sub: user.userId,
    iss: 'persistence-api',
    aud: 'voice-platform',
    iat: now(),
    exp: now() + 300,
    ...overrides,
  });
  const startSession = (authorization?: string) => {
    const req = api.http.post('/v1/sessions');
    return (authorization === undefined ? req : req.set('Authorization', authorization)).send({});
  };

  beforeAll(async () => {
    api = await startVoiceApi();
    user = await registerUser();
    const jwks = (await (await fetch(`${persistenceUrl()}/.well-known/jwks.json`)).json()) as JwksResponse;
    kid = jwks.keys[0].kid;
  });
  afterAll(() => api?.close());

  it("admits a user's access token from persistence-api", async () => {
    const res = await startSession(user.auth.Authorization);
    expect(res.status).toBe(201);
    await api.http.delete(`/v1/sessions/${res.body.id}`).set(user.auth).expect(200);
  });

  it('admits a token the test signs with the same key and claims (the negative cases below differ only in what they name)', async () => {
    const res = await startSession(`Bearer ${await sign(claims(), { kid })}`);
    expect(res.status).toBe(201);
    await api.http.delete(`/v1/sessions/${res.body.id}`).set(user.auth).expect(200);
  });

  it('refuses a request without a bearer token', async () => {
    expectError(await startSession(), 401, 'unauthorized', MISSING);
    expectError(await startSession(''), 401, 'unauthorized', MISSING);
    expectError(await startSession(`Basic ${Buffer.from('a:b').toString('base64')}`), 401, 'unauthorized', MISSING);
    expectError(await api.http.get('/v1/sessions/00000000-0000-4000-8000-000000000000'), 401, 'unauthorized', MISSING);
    expectError(await api.http.delete('/v1/sessions/00000000-0000-4000-8000-000000000000'), 401, 'unauthorized', MISSING);
  });

  it('refuses garbage', async () => {
    for (const token of ['garbage', 'a.b.c', `${b64({ alg: 'ES256' })}.${b64({})}.`, `${user.accessToken}x`]) {
      expectError(await startSession(`Bearer ${token}`), 401, 'unauthorized', INVALID);
    }
  });

  it('refuses an expired token with a message saying so', async () => {
    const expired = await sign(claims({ iat: now() - 1_000, exp: now() - 60 }), { kid });
    expectError(await startSession(`Bearer ${expired}`), 401, 'unauthorized', 'Access token has expired: refresh it and try again');
  });

  it('refuses a signed token without an expiry, saying it must have one', async () => {
    const forever = await sign(claims({ exp: undefined }), { kid });
    expectError(await startSession(`Bearer ${forever}`), 401, 'unauthorized', 'Access token has no expiry (exp): sign in again for a current token');
  });

  it('refuses a wrong issuer or audience', async () => {
    expectError(await startSession(`Bearer ${await sign(claims({ iss: 'someone-else' }), { kid })}`), 401, 'unauthorized', INVALID);
    expectError(await startSession(`Bearer ${await sign(claims({ aud: 'another-app' }), { kid })}`), 401, 'unauthorized', INVALID);
  });

  it('refuses a token signed by another key under the published key id', async () => {
    const otherPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expectError(await startSession(`Bearer ${await sign(claims(), { kid, pem: otherPem })}`), 401, 'unauthorized', INVALID);
  });

  it('refuses alg "none" and HS256 tokens', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    expectError(await startSession(`Bearer ${none}`), 401, 'unauthorized', INVALID);
    const hs = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode('a-shared-secret-nobody-should-use'));
    expectError(await startSession(`Bearer ${hs}`), 401, 'unauthorized', INVALID);
  });

  it("refuses persistence-api's service tokens (voice-api's own credential included)", async () => {
    const res = await fetch(`${persistenceUrl()}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'voice-api', client_secret: TEST_SERVICE_SECRET }),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as ClientCredentialsResponse;
    expectError(await startSession(`Bearer ${access_token}`), 401, 'unauthorized', /service tokens are not accepted/);
  });

  it('refuses a user token whose claims break the contract', async () => {
    expectError(await startSession(`Bearer ${await sign(claims({ sub: 'not-a-uuid' }), { kid })}`), 401, 'unauthorized', INVALID);
    expectError(await startSession(`Bearer ${await sign(claims({ typ: undefined }), { kid })}`), 401, 'unauthorized', INVALID);
  });

  it('never writes a token into the logs', () => {
    expect(api.logs.join('\n')).not.toContain(user.accessToken);
  });
});

describe('user authentication while persistence-api cannot be reached', () => {
  let api: VoiceApi;
  beforeAll(async () => {
    api = await startVoiceApi({ PERSISTENCE_API_URL: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => api?.close());

  it('answers 503 (not 401) when the signing keys cannot be fetched, and still 401 for a token that cannot be valid', async () => {
    const user = await registerUser();
    expectError(await api.http.post('/v1/sessions').set(user.auth).send({}), 503, 'service_unavailable', /signing keys of persistence-api are unreachable/);
    expectError(await api.http.post('/v1/sessions').set('Authorization', 'Bearer garbage').send({}), 401, 'unauthorized', INVALID);
  });
});
