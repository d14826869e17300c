import { AccessTokenClaims } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** The signed-in user a request acts for. */
export interface AuthUser {
  userId: string;
  email: string;
}

export interface UserTokenVerifierOptions {
  /** persistence-api's base URL: its public keys are at /.well-known/jwks.json. */
  persistenceApiUrl: string;
  issuer: string;
  audience: string;
}

/** jose codes that mean "persistence-api's key set could not be fetched", not "the token is bad". */
const KEY_SET_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID']);

/**
 * Verifies user access tokens issued by persistence-api against its published JWKS (fetched on
 * first use, cached, refetched when an unknown key id shows up). ES256 only; service tokens are
 * refused, since every route here acts for a person.
 */
export class UserTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: UserTokenVerifierOptions) {
    const url = new URL('/.well-known/jwks.json', options.persistenceApiUrl.replace(/\/*$/, '/'));
    this.keys = createRemoteJWKSet(url, { timeoutDuration: 3_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  }

  async verify(token: string): Promise<AuthUser> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ['ES256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        // A token without an expiry would admit whoever holds it for ever: persistence-api always sets exp.
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw verificationError(err);
    }
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw ApiError.unauthorized('Access token is invalid: sign in again');
    if (claims.data.typ !== 'user') {
      throw ApiError.unauthorized("This API takes a signed-in user's access token; service tokens are not accepted");
    }
    return { userId: claims.data.sub, email: claims.data.email };
  }
}

function verificationError(err: unknown): ApiError {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_JWT_EXPIRED') return ApiError.unauthorized('Access token has expired: refresh it and try again');
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (err as { claim?: unknown }).claim === 'exp') {
    return ApiError.unauthorized('Access token has no expiry (exp): sign in again for a current token');
  }
  if (typeof code !== 'string' || KEY_SET_UNAVAILABLE.has(code)) {
    return new ApiError(
      503,
      'service_unavailable',
      'Cannot check your sign-in right now: the signing keys of persistence-api are unreachable. Try again shortly.',
    );
  }
  return ApiError.unauthorized('Access token is invalid: sign in again');
}
