import { Module } from '@nestjs/common';
import { CONFIG, type VoiceApiConfig } from '../config';
import { PersistenceClient } from './persistence-client';

/** Upper bound of one call to persistence-api; a voice turn must not hang on a slow store. */
export const PERSISTENCE_TIMEOUT_MS = 5_000;

/** voice-api's client of persistence-api, with its service credential. */
export const persistenceClientFor = (config: VoiceApiConfig) =>
  new PersistenceClient({
    baseUrl: config.PERSISTENCE_API_URL,
    clientId: config.VOICE_API_CLIENT_ID,
    clientSecret: config.VOICE_API_CLIENT_SECRET,
    timeoutMs: PERSISTENCE_TIMEOUT_MS,
  });

@Module({
  providers: [{ provide: PersistenceClient, inject: [CONFIG], useFactory: persistenceClientFor }],
  exports: [PersistenceClient],
})
export class PersistenceModule {}
