import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AccessTokenClaims, parseScopes } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { createPublicKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import type { Principal } from './principal';
import { SigningKeysService } from './signing-keys.service';
import { UsersService } from './users.service';

/** Verifies bearer access tokens against our own public key (ES256 only). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    keys: SigningKeysService,
    @InjectConfig() config: PersistenceApiConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the PEM: jsonwebtoken would re-parse a PEM string on every request (a third
      // of the API's CPU under load, see tools/bench/persistence). The typings only admit string | Buffer.
      secretOrKey: createPublicKey(keys.publicKeyPem) as unknown as string,
      algorithms: ['ES256'],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<Principal | false> {
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) return false;
    const c = claims.data;
    if (c.typ === 'service') return { kind: 'service', clientId: c.sub, scopes: parseScopes(c.scope) };
    // A deleted account's access token stays cryptographically valid until it expires; without this
    // check it could still write rows that point at the missing user (a foreign-key 500) or "delete" again.
    if (!(await this.users.exists(c.sub))) throw ApiError.unauthorized('This account no longer exists: sign in again');
    return { kind: 'user', userId: c.sub, email: c.email };
  }
}
