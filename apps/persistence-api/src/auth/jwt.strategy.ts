import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AccessTokenClaims, parseScopes } from '@voice/contracts/persistence';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import type { Principal } from './principal';
import { SigningKeysService } from './signing-keys.service';

/** Verifies bearer access tokens against our own public key (ES256 only). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(keys: SigningKeysService, @InjectConfig() config: PersistenceApiConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: keys.publicKeyPem,
      algorithms: ['ES256'],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(payload: unknown): Principal | false {
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) return false;
    const c = claims.data;
    return c.typ === 'user'
      ? { kind: 'user', userId: c.sub, email: c.email }
      : { kind: 'service', clientId: c.sub, scopes: parseScopes(c.scope) };
  }
}
