import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { SigningKeysService } from './signing-keys.service';

/** Issues short-lived ES256 access tokens; other services verify them from the JWKS. */
@Injectable()
export class AccessTokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  get ttlSeconds() {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  private sign(payload: Record<string, unknown>, subject: string) {
    return this.jwt.signAsync(payload, {
      algorithm: 'ES256',
      privateKey: this.keys.privateKeyPem,
      keyid: this.keys.jwk.kid,
      issuer: this.config.JWT_ISSUER,
      audience: this.config.JWT_AUDIENCE,
      subject,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
    });
  }

  forUser(user: { id: string; email: string }) {
    return this.sign({ typ: 'user', email: user.email }, user.id);
  }

  forService(clientId: string, scopes: string[]) {
    return this.sign({ typ: 'service', scope: scopes.join(' ') }, clientId);
  }
}
