import { Module } from '@nestjs/common';
import { CONFIG, type VoiceApiConfig } from '../config';
import { UserAuthGuard } from './user-auth.guard';
import { UserTokenVerifier } from './user-token-verifier';

@Module({
  providers: [
    {
      provide: UserTokenVerifier,
      inject: [CONFIG],
      useFactory: (config: VoiceApiConfig) =>
        new UserTokenVerifier({ persistenceApiUrl: config.PERSISTENCE_API_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    },
    UserAuthGuard,
  ],
  exports: [UserTokenVerifier, UserAuthGuard],
})
export class AuthModule {}
