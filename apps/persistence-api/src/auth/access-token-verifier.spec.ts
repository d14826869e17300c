import type { PersistenceApiConfig } from '@voice/config/persistence-api';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { AccessTokenVerifier } from './access-token-verifier';
import type { SigningKeysService } from './signing-keys.service';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const config = { JWT_ISSUER: 'persistence-api', JWT_AUDIENCE: 'voice-platform' } as PersistenceApiConfig;
const keys = { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } as SigningKeysService;

const NOW = Date.parse('2030-01-01T00:00:00Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

/** Signed with jose, an independent implementation. */
const sign = (claims: Record<string, unknown>) =>
  new jose.SignJWT({ typ: 'user', email: 'a@example.com', sub: randomUUID(), iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .sign(privateKey);

describe('AccessTokenVerifier', () => {
  const EXPIRED = 'Access token has expired: refresh it and try again';
  const INVALID = 'Access token is invalid: sign in again';

  it('returns the claims of a good token, the second time from memory, until the token expires', async () => {
    const verifier = new AccessTokenVerifier(keys, config);
    const exp = seconds(NOW) + 900;
    const token = await sign({ iat: seconds(NOW), exp });
    const claims = verifier.verify(token, NOW);
    expect(claims).toEqual({ typ: 'user', email: 'a@example.com', sub: expect.any(String) });
    expect(verifier.verify(token, NOW + 60_000)).toBe(claims);
    expect(() => verifier.verify(token, exp * 1000)).toThrow(EXPIRED);
    expect(() => verifier.verify(token, exp * 1000 + 1)).toThrow(EXPIRED);
  });

  it('does not let a remembered token vouch for a tampered copy', async () => {
    const verifier = new AccessTokenVerifier(keys, config);
    const token = await sign({ exp: seconds(NOW) + 900 });
    verifier.verify(token, NOW);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url')}.${signature}`;
    expect(() => verifier.verify(forged, NOW)).toThrow(INVALID);
  });

  it.each([
    ['has no exp', { exp: undefined }],
    ['has a non-numeric exp', { exp: 'tomorrow' }],
    ['is not valid yet (nbf)', { nbf: seconds(NOW) + 60, exp: seconds(NOW) + 900 }],
    ['names another audience among several', { aud: ['a', 'b'], exp: seconds(NOW) + 900 }],
    ['misses the contract (no email)', { email: undefined, exp: seconds(NOW) + 900 }],
  ])('refuses a well-signed token that %s', async (_, claims) => {
    const token = await sign(claims);
    expect(() => new AccessTokenVerifier(keys, config).verify(token, NOW)).toThrow(INVALID);
  });

  it('accepts our audience among several, and a past nbf', async () => {
    const token = await sign({ aud: ['other', config.JWT_AUDIENCE], nbf: seconds(NOW) - 5, exp: seconds(NOW) + 900 });
    expect(new AccessTokenVerifier(keys, config).verify(token, NOW)).toMatchObject({ typ: 'user' });
  });

  it('refuses an expired token the first time it sees it', async () => {
    const token = await sign({ exp: seconds(NOW) - 1 });
    expect(() => new AccessTokenVerifier(keys, config).verify(token, NOW)).toThrow(EXPIRED);
  });

  it.each(['', 'a.b', 'a.b.c.d', 'not a token', 'a.b.'])('refuses the malformed token %p', (token) => {
    expect(() => new AccessTokenVerifier(keys, config).verify(token, NOW)).toThrow(INVALID);
  });
});
