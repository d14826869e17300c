import type {
  ClientCredentialsRequest,
  ClientCredentialsResponse,
  CreateConversationRequest,
  JwksResponse,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  TokenResponse,
} from '@voice/contracts/persistence';
import { createHash, generateKeyPairSync, randomBytes, randomInt, randomUUID } from 'node:crypto';
import * as joseLib from 'jose';
import type { Response } from 'supertest';
import { registerUser, SERVICE_SECRET, serviceToken, startTestApp, uniqueEmail, type TestApp } from '../../test/test-app';
import { expectError } from '@voice/testing/api-errors';
import { TEST_REDIS_URL } from '../../test/redis';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { SigningKeysService } from './signing-keys.service';

const PASSWORD = 'correct-horse-42';

type Claims = Record<string, unknown>;
type JoseRequest =
  | { op: 'verify'; token: string; jwks: JwksResponse; issuer: string; audience: string }
  | { op: 'sign'; alg: 'ES256'; privateKeyPem: string; claims: Claims; header?: Record<string, string> }
  | { op: 'sign'; alg: 'HS256'; secret: string; claims: Claims; header?: Record<string, string> };

/** Signs or verifies with jose, an independent JWT implementation, never with our own code. */
async function jose<T>(req: JoseRequest): Promise<T> {
  if (req.op === 'verify') {
    const { payload, protectedHeader } = await joseLib.jwtVerify(req.token, joseLib.createLocalJWKSet(req.jwks as joseLib.JSONWebKeySet), {
      algorithms: ['ES256'],
      issuer: req.issuer,
      audience: req.audience,
    });
    return { header: protectedHeader, payload } as T;
  }
  const key = req.alg === 'HS256' ? new TextEncoder().encode(req.secret) : await joseLib.importPKCS8(req.privateKeyPem, req.alg);
  return { token: await new joseLib.SignJWT(req.claims).setProtectedHeader({ alg: req.alg, typ: 'JWT', ...req.header }).sign(key) } as T;
}

const signWith = async (privateKeyPem: string, claims: Claims, header: Record<string, string> = {}) =>
  (await jose<{ token: string }>({ op: 'sign', alg: 'ES256', privateKeyPem, claims, header })).token;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodePart = (token: string, part: 0 | 1) => JSON.parse(Buffer.from(token.split('.')[part], 'base64url').toString()) as Claims;

const setCookies = (res: Response): string[] => {
  const raw = res.headers['set-cookie'] as string[] | string | undefined;
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
};
const refreshCookie = (res: Response) => {
  const cookies = setCookies(res).filter((c) => c.startsWith('refresh_token='));
  expect(cookies).toHaveLength(1);
  const [pair, ...attributes] = cookies[0].split(';').map((s) => s.trim());
  return { value: decodeURIComponent(pair.slice('refresh_token='.length)), attributes };
};

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const login = (body: unknown) => t.http.post('/v1/auth/login').send(body as object);
  const me = (authorization?: string) => {
    const req = t.http.get('/v1/me');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  it('registers, logs in and reads the profile with the access token', async () => {
    const { input } = await registerUser(t, { displayName: 'Ada' });
    const res = await login({ email: input.email, password: input.password } satisfies LoginRequest).expect(200);
    const session = res.body as TokenResponse;
    expect(session.tokenType).toBe('Bearer');
    expect(session.expiresIn).toBe(900);
    const profile = await me(`Bearer ${session.accessToken}`).expect(200);
    expect(profile.body).toMatchObject({ email: input.email, displayName: 'Ada', language: 'en-US', timezone: 'UTC' });
  });

  it('refuses a weak password with the policy spelled out', async () => {
    const res = await t.http
      .post('/v1/auth/register')
      .send({ email: uniqueEmail(), password: 'short' } satisfies RegisterRequest)
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ path: 'body.password', message: expect.stringContaining('at least 10 characters') }]);
  });

  describe('register', () => {
    it('answers 201 with a session and sets the refresh cookie httpOnly, SameSite=Strict, on /v1/auth, not Secure', async () => {
      const email = uniqueEmail('reg');
      const res = await t.http
        .post('/v1/auth/register')
        .send({ email, password: PASSWORD, displayName: 'Grace' } satisfies RegisterRequest)
        .expect(201);
      const session = res.body as TokenResponse;
      expect(session).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        expiresIn: 900,
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        refreshExpiresIn: 30 * 86_400,
        user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, displayName: 'Grace' },
      } satisfies TokenResponse);
      expect(res.headers['cache-control']).toBe('no-store');

      const cookie = refreshCookie(res);
      expect(cookie.value).toBe(session.refreshToken);
      const attrs = cookie.attributes.map((a) => a.toLowerCase());
      expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/v1/auth', `max-age=${30 * 86_400}`]));
      expect(attrs).not.toContain('secure');
    });

    it.each(['password12', 'qwerty1234', 'letmein123', 'abcd123456'])('refuses the common password %s with 400 saying how to choose one', async (password) => {
      const res = await t.http.post('/v1/auth/register').send({ email: uniqueEmail('weak'), password } satisfies RegisterRequest);
      const error = expectError(res, 400, 'validation_failed', /^Invalid request: body\.password is too easy to guess/);
      expect(error.details).toEqual([{ path: 'body.password', message: expect.stringMatching(/is too easy to guess\..*Use a longer password/) }]);
    });

    it('refuses a password built from the account email', async () => {
      const email = uniqueEmail('margarethamilton');
      const res = await t.http.post('/v1/auth/register').send({ email, password: `${email.split('@')[0]}1` } satisfies RegisterRequest);
      expectError(res, 400, 'validation_failed', /too easy to guess/);
    });

    it('compares passwords in Unicode NFKC form: another encoding of the same characters signs in', async () => {
      // Composed "è" (U+00E8) at registration; "e" + a combining accent, and full-width digits, at sign-in.
      const email = uniqueEmail('unicode');
      await t.http
        .post('/v1/auth/register')
        .send({ email, password: 'cr\u00e8me br\u00fbl\u00e9e 2024 sur la table' } satisfies RegisterRequest)
        .expect(201);
      await login({ email, password: 'cre\u0300me bru\u0302le\u0301e \uff12\uff10\uff12\uff14 sur la table' } satisfies LoginRequest).expect(200);
      expectError(await login({ email, password: 'creme brulee 2024 sur la table' } satisfies LoginRequest), 401, 'unauthorized');
    });

    it('refuses a second account for the same email with 409 naming body.email', async () => {
      const { input } = await registerUser(t);
      const res = await t.http.post('/v1/auth/register').send({ email: input.email, password: 'another-password-7' } satisfies RegisterRequest);
      const error = expectError(res, 409, 'conflict', /already exists/);
      expect(error.details).toEqual([{ path: 'body.email', message: 'is already registered' }]);
      expect(setCookies(res)).toEqual([]);
    });

    it('lets only one of two simultaneous registrations of an email through; the other gets 409', async () => {
      const body = { email: uniqueEmail('race'), password: PASSWORD } satisfies RegisterRequest;
      const results = await Promise.all([0, 1].map(() => t.http.post('/v1/auth/register').send(body)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expectError(results.find((r) => r.status === 409) as Response, 409, 'conflict');
    });

    it('normalises the email (case and surrounding space), so "A@x.com" and "a@x.com" are one account', async () => {
      const local = `Mixed-${randomUUID().slice(0, 8)}`;
      const first = await t.http
        .post('/v1/auth/register')
        .send({ email: `  ${local}@Example.COM `, password: PASSWORD } satisfies RegisterRequest)
        .expect(201);
      const stored = `${local.toLowerCase()}@example.com`;
      expect((first.body as TokenResponse).user.email).toBe(stored);

      const again = await t.http.post('/v1/auth/register').send({ email: stored, password: PASSWORD } satisfies RegisterRequest);
      expectError(again, 409, 'conflict');

      // Logging in with another spelling of the same address reaches the same account.
      const res = await login({ email: `${local.toUpperCase()}@EXAMPLE.com`, password: PASSWORD } satisfies LoginRequest).expect(200);
      expect((res.body as TokenResponse).user.id).toBe((first.body as TokenResponse).user.id);
    });

    it.each([
      ['an invalid email', { email: 'not-an-email', password: PASSWORD }, 'body.email'],
      ['a missing password', { email: 'someone@example.com' }, 'body.password'],
      ['a password without a digit', { email: 'someone@example.com', password: 'only-letters-here' }, 'body.password'],
      ['an unknown field', { email: 'someone@example.com', password: PASSWORD, role: 'admin' }, 'body'],
    ])('refuses %s with 400 naming the field', async (_, body, path) => {
      const res = await t.http.post('/v1/auth/register').send(body);
      const error = expectError(res, 400, 'validation_failed');
      expect(error.details?.map((d) => d.path)).toEqual([path]);
    });
  });

  describe('login', () => {
    it('answers a wrong password and an unknown email alike: 401 with the same message', async () => {
      const { input } = await registerUser(t);
      const wrong = await login({ email: input.email, password: 'wrong-password-1' } satisfies LoginRequest);
      const unknown = await login({ email: uniqueEmail('nobody'), password: PASSWORD } satisfies LoginRequest);
      expectError(wrong, 401, 'unauthorized', 'Email or password is incorrect');
      expectError(unknown, 401, 'unauthorized', 'Email or password is incorrect');
      expect(setCookies(wrong)).toEqual([]);
    });

    it('lets 20 concurrent right-password sign-ins to one account through: none is throttled', async () => {
      const { input } = await registerUser(t);
      const results = await Promise.all(Array.from({ length: 20 }, () => login({ email: input.email, password: input.password } satisfies LoginRequest)));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    }, 120_000);

    it('sets the refresh cookie like register does', async () => {
      const { input } = await registerUser(t);
      const res = await login({ email: input.email, password: input.password } satisfies LoginRequest).expect(200);
      expect(refreshCookie(res).value).toBe((res.body as TokenResponse).refreshToken);
    });

    it.each([
      ['a missing email', { password: PASSWORD }, 'body.email', 'is required'],
      ['an invalid email', { email: 'nobody-at-example.com', password: PASSWORD }, 'body.email', 'must be a valid email address'],
      ['a missing password', { email: 'someone@example.com' }, 'body.password', 'is required'],
      ['an empty password', { email: 'someone@example.com', password: '' }, 'body.password', 'is required'],
      ['a non-string password', { email: 'someone@example.com', password: 12345 }, 'body.password', expect.any(String)],
      ['an unknown field', { email: 'someone@example.com', password: PASSWORD, remember: true }, 'body', 'unknown field(s): remember'],
    ])('refuses %s with 400 naming the field, before checking any credentials', async (_, body, path, message) => {
      const res = await login(body);
      const error = expectError(res, 400, 'validation_failed');
      expect(error.details).toEqual([{ path, message }]);
    });

    it('refuses an empty body with 400 naming both fields', async () => {
      const error = expectError(await t.http.post('/v1/auth/login'), 400, 'validation_failed');
      expect(error.details?.map((d) => d.path)).toEqual(['body.email', 'body.password']);
    });
  });

  describe('access tokens', () => {
    let jwks: JwksResponse;
    let keys: SigningKeysService;
    // Tokens are only read here, so one account serves every test.
    let user: Awaited<ReturnType<typeof registerUser>>;
    beforeAll(async () => {
      const res = await t.http.get('/.well-known/jwks.json').expect(200);
      jwks = res.body as JwksResponse;
      keys = t.app.get(SigningKeysService);
      user = await registerUser(t);
    });

    const claimsFor = (userId: string, email: string, overrides: Claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return {
        typ: 'user',
        email,
        sub: userId,
        iss: t.config.JWT_ISSUER,
        aud: t.config.JWT_AUDIENCE,
        iat: now,
        exp: now + 300,
        ...overrides,
      };
    };

    it('publishes one public ES256 key, cacheable, with no private part', async () => {
      const res = await t.http.get('/.well-known/jwks.json').expect(200);
      expect(res.headers['cache-control']).toBe('public, max-age=300');
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toEqual({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: expect.stringMatching(/^[\w-]{43}$/),
        x: expect.any(String),
        y: expect.any(String),
      });
    });

    it('issues user tokens that jose verifies with the published JWKS', async () => {
      const { session, input } = user;
      const { header, payload } = await jose<{ header: Claims; payload: Claims }>({
        op: 'verify',
        token: session.accessToken,
        jwks,
        issuer: t.config.JWT_ISSUER,
        audience: t.config.JWT_AUDIENCE,
      });
      expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: jwks.keys[0].kid });
      expect(payload).toEqual({
        typ: 'user',
        email: input.email,
        sub: session.user.id,
        iss: 'persistence-api',
        aud: 'voice-platform',
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    });

    it('accepts a token we sign ourselves with the app key (so the refusals below are about the one thing changed)', async () => {
      const { session, input } = user;
      const token = await signWith(keys.privateKeyPem, claimsFor(session.user.id, input.email), { kid: jwks.keys[0].kid });
      const res = await me(`Bearer ${token}`).expect(200);
      expect(res.body.id).toBe(session.user.id);
    });

    it('refuses an expired token with 401 saying it expired', async () => {
      const { session, input } = user;
      const past = Math.floor(Date.now() / 1000) - 3600;
      const token = await signWith(keys.privateKeyPem, claimsFor(session.user.id, input.email, { iat: past - 900, exp: past }), {
        kid: jwks.keys[0].kid,
      });
      expectError(await me(`Bearer ${token}`), 401, 'unauthorized', 'Access token has expired: refresh it and try again');
    });

    it('refuses a token whose payload was altered after signing', async () => {
      const victim = await registerUser(t);
      const attacker = await registerUser(t);
      const [header, , signature] = attacker.session.accessToken.split('.');
      const payload = { ...decodePart(attacker.session.accessToken, 1), sub: victim.session.user.id, email: victim.input.email };
      const forged = `${header}.${b64url(payload)}.${signature}`;
      expectError(await me(`Bearer ${forged}`), 401, 'unauthorized', 'Access token is invalid: sign in again');
      // The untouched token still works, so the refusal is the tampering's doing.
      await me(`Bearer ${attacker.session.accessToken}`).expect(200);
    });

    it('refuses a token signed by another P-256 key, even one claiming our kid', async () => {
      const { session, input } = user;
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const token = await signWith(other, claimsFor(session.user.id, input.email), { kid: jwks.keys[0].kid });
      expectError(await me(`Bearer ${token}`), 401, 'unauthorized', 'Access token is invalid: sign in again');
    });

    it('refuses HS256 tokens, including one keyed with our public key (algorithm confusion)', async () => {
      const { session, input } = user;
      for (const secret of [keys.publicKeyPem, randomBytes(32).toString('hex')]) {
        const { token } = await jose<{ token: string }>({ op: 'sign', alg: 'HS256', secret, claims: claimsFor(session.user.id, input.email) });
        expect(decodePart(token, 0).alg).toBe('HS256');
        expectError(await me(`Bearer ${token}`), 401, 'unauthorized', 'Access token is invalid: sign in again');
      }
    });

    it('refuses an unsigned (alg "none") token', async () => {
      const { session, input } = user;
      const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsFor(session.user.id, input.email))}.`;
      expectError(await me(`Bearer ${token}`), 401, 'unauthorized', 'Access token is invalid: sign in again');
    });

    it.each([
      ['issuer', { iss: 'someone-else' }],
      ['audience', { aud: 'another-platform' }],
    ])('refuses a token for another %s, though signed with our key', async (_, overrides) => {
      const { session, input } = user;
      const token = await signWith(keys.privateKeyPem, claimsFor(session.user.id, input.email, overrides), { kid: jwks.keys[0].kid });
      expectError(await me(`Bearer ${token}`), 401, 'unauthorized', 'Access token is invalid: sign in again');
    });

    it('refuses a well-signed token for an account that does not exist', async () => {
      const token = await signWith(keys.privateKeyPem, claimsFor(randomUUID(), uniqueEmail('ghost')), { kid: jwks.keys[0].kid });
      expectError(await me(`Bearer ${token}`), 401, 'unauthorized', 'This account no longer exists: sign in again');
      // Nor may it create rows for the missing account (that used to be a foreign-key 500).
      const create = await t.http.post('/v1/conversations').set('Authorization', `Bearer ${token}`).send({ channel: 'web' });
      expectError(create, 401, 'unauthorized', 'This account no longer exists: sign in again');
    });

    it('refuses a request without Authorization, or with another scheme, with 401 saying what to send', async () => {
      expectError(await me(), 401, 'unauthorized', 'Missing access token: send "Authorization: Bearer <token>"');
      expectError(await me('Basic dXNlcjpwYXNz'), 401, 'unauthorized', /Missing access token/);
      expectError(await me('Bearer not-a-jwt'), 401, 'unauthorized', 'Access token is invalid: sign in again');
    });
  });

  describe('refresh and logout', () => {
    const refresh = (body?: RefreshRequest) => t.http.post('/v1/auth/refresh').send(body ?? {});

    it('rotates: a refresh token gives a new session and a new refresh token', async () => {
      const { session } = await registerUser(t);
      const res = await refresh({ refreshToken: session.refreshToken }).expect(200);
      const next = res.body as TokenResponse;
      expect(next.refreshToken).not.toBe(session.refreshToken);
      expect(next.user).toEqual(session.user);
      expect(refreshCookie(res).value).toBe(next.refreshToken);
      expect(res.headers['cache-control']).toBe('no-store');
      await me(`Bearer ${next.accessToken}`).expect(200);
      await refresh({ refreshToken: next.refreshToken }).expect(200);
    });

    it('treats reuse of a spent token as theft: 401, and the token that replaced it dies too', async () => {
      const { session } = await registerUser(t);
      const rotated = (await refresh({ refreshToken: session.refreshToken }).expect(200)).body as TokenResponse;

      const replay = await refresh({ refreshToken: session.refreshToken });
      expectError(replay, 401, 'unauthorized', /already used/);

      const after = await refresh({ refreshToken: rotated.refreshToken });
      expectError(after, 401, 'unauthorized', 'Refresh token is invalid or signed out: sign in again');
    });

    it('revokes only the replayed session: another sign-in of the same account keeps working', async () => {
      const { session, input } = await registerUser(t);
      const other = (await login({ email: input.email, password: input.password }).expect(200)).body as TokenResponse;
      await refresh({ refreshToken: session.refreshToken }).expect(200);
      await refresh({ refreshToken: session.refreshToken }).expect(401);
      await refresh({ refreshToken: other.refreshToken }).expect(200);
    });

    it('treats two simultaneous uses of a token as a replay: at most one answer, and no live token in that session', async () => {
      const { session } = await registerUser(t);
      const results = await Promise.all([0, 1].map(() => refresh({ refreshToken: session.refreshToken })));
      const statuses = results.map((r) => r.status).sort();
      // Which request sees the replay first is a matter of timing; the session dies either way.
      expect([
        [200, 401],
        [401, 401],
      ]).toContainEqual(statuses);
      for (const winner of results.filter((r) => r.status === 200)) {
        expectError(await refresh({ refreshToken: (winner.body as TokenResponse).refreshToken }), 401, 'unauthorized');
      }
      expectError(await refresh({ refreshToken: session.refreshToken }), 401, 'unauthorized');
    });

    it('refuses an expired refresh token with 401 saying so', async () => {
      const { session } = await registerUser(t);
      const tokenHash = createHash('sha256').update(session.refreshToken).digest('hex');
      const changed = await t.db.getRepository(RefreshTokenEntity).update({ tokenHash }, { expiresAt: new Date(Date.now() - 1000) });
      expect(changed.affected).toBe(1);
      expectError(await refresh({ refreshToken: session.refreshToken }), 401, 'unauthorized', 'Refresh token has expired: sign in again');
    });

    it('refreshes from the cookie alone, with no body', async () => {
      const reg = await t.http
        .post('/v1/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD } satisfies RegisterRequest)
        .expect(201);
      const cookie = refreshCookie(reg).value;
      const res = await t.http.post('/v1/auth/refresh').set('Cookie', `refresh_token=${cookie}`).expect(200);
      const next = res.body as TokenResponse;
      expect(next.refreshToken).not.toBe(cookie);
      expect(refreshCookie(res).value).toBe(next.refreshToken);
      // The cookie's token was spent by that refresh.
      await t.http.post('/v1/auth/refresh').set('Cookie', `refresh_token=${cookie}`).expect(401);
    });

    it('answers 401 when no refresh token is sent, 401 for an unknown one and 400 for a malformed one', async () => {
      expectError(await t.http.post('/v1/auth/refresh'), 401, 'unauthorized', /Missing refresh token/);
      expectError(await refresh({ refreshToken: randomBytes(32).toString('base64url') }), 401, 'unauthorized', /invalid or signed out/);
      const bad = expectError(await refresh({ refreshToken: 'short' }), 400, 'validation_failed');
      expect(bad.details?.map((d) => d.path)).toEqual(['body.refreshToken']);
    });

    it('logout answers 204, clears the cookie and revokes the session; repeating it is harmless', async () => {
      const { session } = await registerUser(t);
      const res = await t.http
        .post('/v1/auth/logout')
        .send({ refreshToken: session.refreshToken } satisfies RefreshRequest)
        .expect(204);
      expect(res.text).toBe('');
      const cleared = refreshCookie(res);
      expect(cleared.value).toBe('');
      const attrs = cleared.attributes.map((a) => a.toLowerCase());
      expect(attrs).toContain('path=/v1/auth');
      expect(attrs.some((a) => a === 'max-age=0' || a === 'expires=thu, 01 jan 1970 00:00:00 gmt')).toBe(true);

      expectError(await refresh({ refreshToken: session.refreshToken }), 401, 'unauthorized', /invalid or signed out/);

      await t.http
        .post('/v1/auth/logout')
        .send({ refreshToken: session.refreshToken } satisfies RefreshRequest)
        .expect(204);
      await t.http.post('/v1/auth/logout').expect(204);
      await t.http
        .post('/v1/auth/logout')
        .send({ refreshToken: randomBytes(32).toString('base64url') })
        .expect(204);
    });

    it('logout via the cookie revokes the whole session, including tokens rotated from it', async () => {
      const { session } = await registerUser(t);
      const rotated = (await refresh({ refreshToken: session.refreshToken }).expect(200)).body as TokenResponse;
      await t.http.post('/v1/auth/logout').set('Cookie', `refresh_token=${rotated.refreshToken}`).expect(204);
      expectError(await refresh({ refreshToken: rotated.refreshToken }), 401, 'unauthorized', /invalid or signed out/);
    });
  });

  describe('service clients', () => {
    const grant = (body: object) => t.http.post('/v1/auth/token').send(body);
    const voiceApi = { grant_type: 'client_credentials', client_id: 'voice-api', client_secret: SERVICE_SECRET } as const;

    it('grants voice-api a token with all its scopes for the right secret', async () => {
      const res = await grant(voiceApi satisfies ClientCredentialsRequest).expect(200);
      expect(res.body).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'conversations:write clinic:read clinic:book clinic:schedule phone-owners:read',
      } satisfies ClientCredentialsResponse);
      expect(res.headers['cache-control']).toBe('no-store');
      const jwks = (await t.http.get('/.well-known/jwks.json').expect(200)).body as JwksResponse;
      const { payload } = await jose<{ payload: Claims }>({
        op: 'verify',
        token: (res.body as ClientCredentialsResponse).access_token,
        jwks,
        issuer: t.config.JWT_ISSUER,
        audience: t.config.JWT_AUDIENCE,
      });
      expect(payload).toMatchObject({
        typ: 'service',
        sub: 'voice-api',
        scope: 'conversations:write clinic:read clinic:book clinic:schedule phone-owners:read',
      });
    });

    it('grants a subset of the scopes when asked', async () => {
      const res = await grant({ ...voiceApi, scope: 'clinic:read' } satisfies ClientCredentialsRequest).expect(200);
      expect((res.body as ClientCredentialsResponse).scope).toBe('clinic:read');
    });

    it.each([
      ['a blank scope as the default (all scopes)', ' ', 'conversations:write clinic:read clinic:book clinic:schedule phone-owners:read'],
      ['repeated scopes once', 'clinic:read clinic:read  clinic:book', 'clinic:read clinic:book'],
    ])('treats %s', async (_, scope, granted) => {
      const res = await grant({ ...voiceApi, scope } satisfies ClientCredentialsRequest).expect(200);
      expect((res.body as ClientCredentialsResponse).scope).toBe(granted);
    });

    it('refuses a wrong secret and an unknown client alike with 401', async () => {
      const wrong = await grant({ ...voiceApi, client_secret: `${SERVICE_SECRET}x` } satisfies ClientCredentialsRequest);
      expectError(wrong, 401, 'unauthorized', 'Unknown client or wrong client secret');
      const unknown = await grant({ ...voiceApi, client_id: 'channels-api' } satisfies ClientCredentialsRequest);
      expectError(unknown, 401, 'unauthorized', 'Unknown client or wrong client secret');
    });

    it.each([
      ['another grant type', { ...voiceApi, grant_type: 'password' }, 'body.grant_type'],
      ['a missing grant type', { client_id: 'voice-api', client_secret: SERVICE_SECRET }, 'body.grant_type'],
      ['a missing secret', { grant_type: 'client_credentials', client_id: 'voice-api' }, 'body.client_secret'],
    ])('refuses %s with 400 naming the field', async (_, body, path) => {
      const error = expectError(await grant(body), 400, 'validation_failed');
      expect(error.details?.map((d) => d.path)).toEqual([path]);
    });

    it('refuses a scope the client does not hold with 403', async () => {
      const res = await grant({ ...voiceApi, scope: 'clinic:read profiles:read' } satisfies ClientCredentialsRequest);
      const error = expectError(res, 403, 'forbidden', 'This client may not have the scope(s): profiles:read');
      expect(error.details).toEqual([{ path: 'body.scope', message: expect.stringContaining('conversations:write') }]);
    });

    it('keeps service tokens off user routes: GET /v1/me is 403', async () => {
      const res = await t.http.get('/v1/me').set(await serviceToken(t));
      expectError(res, 403, 'forbidden', 'This endpoint is for signed-in users, not service clients');
    });

    it('keeps user tokens off service routes: POST /v1/calls is 403', async () => {
      const { auth } = await registerUser(t);
      const res = await t.http.post('/v1/calls').set(auth).send({});
      expectError(res, 403, 'forbidden', 'This endpoint is for service clients, not user accounts');
    });

    it('enforces scopes: a clinic:read token cannot create conversations, a conversations:write token can', async () => {
      const { session } = await registerUser(t);
      const body = { channel: 'web', userId: session.user.id } satisfies CreateConversationRequest;
      const readOnly = await t.http
        .post('/v1/conversations')
        .set(await serviceToken(t, 'clinic:read'))
        .send(body);
      expectError(readOnly, 403, 'forbidden', 'This service token lacks the "conversations:write" scope');
      await t.http
        .post('/v1/conversations')
        .set(await serviceToken(t, 'conversations:write'))
        .send(body)
        .expect(201);
    });
  });

  it('never writes passwords or tokens to the logs', async () => {
    const email = uniqueEmail('logs');
    const password = `Log-secret-${randomUUID()}-9`;
    const reg = await t.http
      .post('/v1/auth/register')
      .send({ email, password } satisfies RegisterRequest)
      .expect(201);
    const res = await login({ email, password } satisfies LoginRequest).expect(200);
    const sessions = [reg.body as TokenResponse, res.body as TokenResponse];
    await me(`Bearer ${sessions[1].accessToken}`).expect(200);
    await t.http.post('/v1/auth/refresh').set('Cookie', `refresh_token=${sessions[1].refreshToken}`).expect(200);

    const logs = t.logs.join('\n');
    expect(logs).toContain('/v1/auth/login'); // the requests were logged, so the absence below means something
    expect(logs).not.toContain(password);
    for (const s of sessions) {
      expect(logs).not.toContain(s.accessToken);
      expect(logs).not.toContain(s.accessToken.split('.')[2]);
      expect(logs).not.toContain(s.refreshToken);
    }
  });
});

describe('auth with secure cookies and a low failed-login limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SESSION_COOKIE_SECURE: 'true', LOGIN_MAX_FAILURES: '3', TRUST_PROXY_HOPS: '1' });
  });
  afterAll(() => t.close());

  // Each test signs in from its own client address (TRUST_PROXY_HOPS=1, as behind App Service, honours X-Forwarded-For),
  // so the per-address counter of one test does not leak into another.
  const login = (body: LoginRequest, address: string) => t.http.post('/v1/auth/login').set('X-Forwarded-For', address).send(body);

  it('marks the refresh cookie Secure when SESSION_COOKIE_SECURE=true', async () => {
    const res = await t.http
      .post('/v1/auth/register')
      .send({ email: uniqueEmail(), password: PASSWORD } satisfies RegisterRequest)
      .expect(201);
    const cookie = refreshCookie(res);
    const attributes = ['secure', 'httponly', 'samesite=strict', 'path=/v1/auth'];
    expect(cookie.attributes.map((a) => a.toLowerCase())).toEqual(expect.arrayContaining(attributes));

    const logout = await t.http
      .post('/v1/auth/logout')
      .send({ refreshToken: cookie.value } satisfies RefreshRequest)
      .expect(204);
    const cleared = refreshCookie(logout);
    expect(cleared.value).toBe('');
    expect(cleared.attributes.map((a) => a.toLowerCase())).toEqual(expect.arrayContaining(attributes));
  });

  it('locks an account after LOGIN_MAX_FAILURES failures: 429 with Retry-After even for the right password', async () => {
    const { input } = await registerUser(t);
    const other = await registerUser(t);
    const wrong = { email: input.email, password: 'wrong-password-1' } satisfies LoginRequest;
    expectError(await login(wrong, '198.51.100.1'), 401, 'unauthorized');
    expectError(await login(wrong, '198.51.100.1'), 401, 'unauthorized');
    // Another spelling of the same address counts against the same account.
    expectError(await login({ ...wrong, email: ` ${input.email.toUpperCase()} ` }, '198.51.100.1'), 401, 'unauthorized');

    // From another address and with the right password: the lock is on the account.
    const locked = await login({ email: input.email, password: input.password }, '198.51.100.2');
    const error = expectError(locked, 429, 'rate_limited', /^Too many failed sign-in attempts\. Wait \d+ seconds/);
    const retryAfter = locked.headers['retry-after'];
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(t.config.LOGIN_LOCKOUT_SECONDS);
    expect(error.message).toContain(`Wait ${retryAfter} seconds`);
    expect(setCookies(locked)).toEqual([]);

    // Other accounts, even from the address that failed, are unaffected.
    await login({ email: other.input.email, password: other.input.password }, '198.51.100.1').expect(200);
  });

  it('a successful sign-in clears the account counter', async () => {
    const { input } = await registerUser(t);
    const wrong = { email: input.email, password: 'wrong-password-1' } satisfies LoginRequest;
    await login(wrong, '198.51.100.10').expect(401);
    await login(wrong, '198.51.100.10').expect(401);
    await login({ email: input.email, password: input.password }, '198.51.100.10').expect(200);
    await login(wrong, '198.51.100.10').expect(401);
    // Without the reset this would be the fourth failure in the window, and refused with 429.
    expectError(await login(wrong, '198.51.100.10'), 401, 'unauthorized');
  });

  it('holds a burst of parallel guesses to LOGIN_MAX_FAILURES: the rest are refused before any password check', async () => {
    const { input } = await registerUser(t);
    const guesses = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => login({ email: input.email, password: `guess-password-${n}` }, `198.51.100.${20 + n}`)));
    expect(guesses.map((r) => r.status).sort()).toEqual([401, 401, 401, 429, 429, 429]);
    await login({ email: input.email, password: input.password }, '198.51.100.30').expect(429);
  });

  it('limits one address spraying many accounts to 4 x LOGIN_MAX_FAILURES failures', async () => {
    const address = '203.0.113.9';
    const spray = () => login({ email: uniqueEmail('spray'), password: 'guess-password-1' }, address);
    const first = await Promise.all(Array.from({ length: 12 }, spray));
    expect(first.map((r) => r.status)).toEqual(Array(12).fill(401));
    const res = await spray();
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is still served.
    expectError(await login({ email: uniqueEmail('spray'), password: 'guess-password-1' }, '203.0.113.10'), 401, 'unauthorized');
  }, 30_000);
});

describe('failed logins with REDIS_URL: two instances count together', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await Promise.all([0, 1].map(() => startTestApp({ REDIS_URL: TEST_REDIS_URL, LOGIN_MAX_FAILURES: '3', TRUST_PROXY_HOPS: '1' })));
  });
  afterAll(() => Promise.all([a, b].map((t) => t?.close())));

  it('refuses on one instance the account that failed LOGIN_MAX_FAILURES times on the other', async () => {
    // Redis outlives the test run: a client address of its own keeps earlier runs' counts out.
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    const login = (t: TestApp, password: string) =>
      t.http
        .post('/v1/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: input.email, password } satisfies LoginRequest);
    const { input } = await registerUser(a);
    for (const t of [a, b, a]) expectError(await login(t, 'wrong-password-1'), 401, 'unauthorized');

    expectError(await login(b, input.password), 429, 'rate_limited');
    expectError(await login(a, input.password), 429, 'rate_limited');
  });
});

// One instance: the passport strategy is process-wide, so two apps in one process share the last one's.
describe('right-password sign-ins with REDIS_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ REDIS_URL: TEST_REDIS_URL, TRUST_PROXY_HOPS: '1' });
  });
  afterAll(() => t.close());

  it('lets 20 concurrent right-password sign-ins to one account through while counting in Redis', async () => {
    const { input } = await registerUser(t);
    // Redis outlives the test run: a client address of its own keeps earlier runs' counts out.
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    const body = { email: input.email, password: input.password } satisfies LoginRequest;
    const results = await Promise.all(Array.from({ length: 20 }, () => t.http.post('/v1/auth/login').set('X-Forwarded-For', address).send(body)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  }, 120_000);
});
