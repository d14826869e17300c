import { Inject, Module } from '@nestjs/common';
import { CONFIG, type VoiceApiConfig } from '../config';
import { PersistenceClient } from './persistence-client';
import { PersistenceClinic } from './persistence-clinic';

/** Upper bound of one call to persistence-api; a voice turn must not hang on a slow store. */
export const PERSISTENCE_TIMEOUT_MS = 5_000;

/** The ClinicPort the agents use (libs/agent's interface), served by persistence-api. */
export const CLINIC_PORT = Symbol('CLINIC_PORT');
export const InjectClinicPort = () => Inject(CLINIC_PORT);

@Module({
  providers: [
    {
      provide: PersistenceClient,
      inject: [CONFIG],
      useFactory: (config: VoiceApiConfig) =>
        new PersistenceClient({
          baseUrl: config.PERSISTENCE_API_URL,
          clientId: config.VOICE_API_CLIENT_ID,
          clientSecret: config.VOICE_API_CLIENT_SECRET,
          timeoutMs: PERSISTENCE_TIMEOUT_MS,
        }),
    },
    { provide: CLINIC_PORT, inject: [PersistenceClient], useFactory: (client: PersistenceClient) => new PersistenceClinic(client) },
  ],
  exports: [PersistenceClient, CLINIC_PORT],
})
export class PersistenceModule {}
