import { Global, Logger, Module } from '@nestjs/common';
import { CALL_DOMAIN } from './call/call-domain.token';
import { clinicDomain } from './clinic/clinic-domain';
import { CONFIG, type VoiceApiConfig } from './config';
import { PersistenceClient } from './persistence/persistence-client';
import { PersistenceModule } from './persistence/persistence.module';

/**
 * The composition root of what voice-api's calls are about: the clinic front desk. This file is the
 * only place outside src/clinic/ that names it; another domain (its agents, offline model and grammar)
 * plugs in here by providing a CallDomain (call/call-domain.ts) and its agent names.
 */
export { clinicDomain as createCallDomain, clinicAgentNames as domainAgentNames } from './clinic/clinic-domain';

const logger = new Logger('CallDomain');

/** Provides the CallDomain to the Nest app (LiveKit job processes call createCallDomain themselves). */
@Global()
@Module({
  imports: [PersistenceModule],
  providers: [
    {
      provide: CALL_DOMAIN,
      inject: [CONFIG, PersistenceClient],
      useFactory: (config: VoiceApiConfig, persistence: PersistenceClient) =>
        clinicDomain(config, persistence, { warn: (data, msg) => logger.warn({ ...data, msg }) }),
    },
  ],
  exports: [CALL_DOMAIN],
})
export class DomainModule {}
