import { Injectable } from '@nestjs/common';
import { AccessTokenClaims } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { SigningKeysService } from './signing-keys.service';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Verified tokens remembered, so that a client's repeated requests cost one signature check. */
const CACHE_MAX = 10_000;

export const invalidToken = () => ApiError.unauthorized('Access token is invalid: sign in again');
const expiredToken = () => ApiError.unauthorized('Access token has expired: refresh it and try again');

interface Verified {
  claims: AccessTokenClaims;
  /** Seconds since the epoch, from the token's exp claim. */
  exp: number;
}

const decodeJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Verifies our own ES256 access tokens with node:crypto and the key object prepared once: signature,
 * algorithm (ES256 only: no "none", no HS256 keyed with the public key), issuer, audience, exp, nbf.
 * A verified token is remembered until it expires (the signature check is most of a request's CPU);
 * its expiry is still checked on every use.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly key: KeyObject;
  private readonly verified = new Map<string, Verified>();

  constructor(
    keys: SigningKeysService,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {
    this.key = createPublicKey(keys.publicKeyPem);
  }

  verify(token: string, nowMs = Date.now()): AccessTokenClaims {
    const now = Math.floor(nowMs / 1000);
    const known = this.verified.get(token);
    if (known) {
      if (now < known.exp) return known.claims;
      this.verified.delete(token);
      throw expiredToken();
    }
    const { claims, exp } = this.check(token, now);
    if (this.verified.size >= CACHE_MAX) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { claims, exp });
    return claims;
  }

  private check(token: string, now: number): Verified {
    if (!COMPACT_JWS.test(token)) throw invalidToken();
    const [headerPart, payloadPart, signaturePart] = token.split('.');
    let header: unknown;
    let payload: unknown;
    try {
      header = decodeJson(headerPart);
      payload = decodeJson(payloadPart);
    } catch {
      throw invalidToken();
    }
    if (!isObject(header) || header.alg !== 'ES256' || !isObject(payload)) throw invalidToken();
    const signature = Buffer.from(signaturePart, 'base64url');
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    // JWS carries ECDSA signatures as raw r || s (IEEE P1363), 64 bytes for P-256.
    if (signature.length !== 64 || !verify('sha256', signed, { key: this.key, dsaEncoding: 'ieee-p1363' }, signature)) {
      throw invalidToken();
    }
    const { iss, aud, exp, nbf } = payload;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (iss !== this.config.JWT_ISSUER || !audiences.includes(this.config.JWT_AUDIENCE)) throw invalidToken();
    if (typeof exp !== 'number' || (nbf !== undefined && (typeof nbf !== 'number' || nbf > now))) throw invalidToken();
    if (now >= exp) throw expiredToken();
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw invalidToken();
    return { claims: claims.data, exp };
  }
}
