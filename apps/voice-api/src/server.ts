import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '@voice/server-kit';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import type { VoiceApiConfig } from './config';

/** Builds the configured app without listening: main.ts listens, tests use it directly. */
export function createApp(config: VoiceApiConfig, logDestination?: DestinationStream): Promise<NestFastifyApplication> {
  return createServer(AppModule.forRoot(config), {
    name: 'voice-api',
    logLevel: config.LOG_LEVEL,
    corsOrigins: config.CORS_ORIGINS,
    allowedHosts: config.NODE_ENV === 'production' ? config.ALLOWED_HOSTS : [],
    trustProxyHops: config.TRUST_PROXY_HOPS,
    bodyLimit: 65_536,
    logDestination,
  });
}
