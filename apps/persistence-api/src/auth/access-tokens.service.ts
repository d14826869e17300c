import { Injectable } from '@nestjs/common';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { SigningKeysService } from './signing-keys.service';

/** Issues short-lived ES256 access tokens; other services verify them from the JWKS. */
@Injectable()
export class AccessTokensService {
  private privateKey?: Promise<CryptoKey>;

  constructor(
    private readonly keys: SigningKeysService,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  get ttlSeconds() {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  private async sign(payload: Record<string, unknown>, subject: string) {
    this.privateKey ??= importPKCS8(this.keys.privateKeyPem, 'ES256');
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: this.keys.jwk.kid })
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.config.ACCESS_TOKEN_TTL_SECONDS)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuer(this.config.JWT_ISSUER)
      .setSubject(subject)
      .sign(await this.privateKey);
  }

  forUser(user: { id: string; email: string }) {
    return this.sign({ typ: 'user', email: user.email }, user.id);
  }

  forService(clientId: string, scopes: string[]) {
    return this.sign({ typ: 'service', scope: scopes.join(' ') }, clientId);
  }
}
