import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyWebsocket from '@fastify/websocket';
import { createServer } from '@voice/server-kit';
import type { DestinationStream } from 'pino';
import { AppModule, type AppOptions } from './app.module';
import type { VoiceApiConfig } from './config';
import { rateLimits } from './rate-limits';

/** Builds the configured app without listening: main.ts listens, tests use it directly. */
export async function createApp(config: VoiceApiConfig, logDestination?: DestinationStream, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const app = await createServer(AppModule.forRoot(config, options), {
    name: 'voice-api',
    logLevel: config.LOG_LEVEL,
    corsOrigins: config.CORS_ORIGINS,
    allowedHosts: config.NODE_ENV === 'production' ? config.ALLOWED_HOSTS : [],
    trustProxyHops: config.TRUST_PROXY_HOPS,
    docs: config.API_DOCS_PUBLIC,
    bodyLimit: 65_536,
    rateLimit: rateLimits(config),
    logDestination,
  });
  // Before init: the media gateway adds its WebSocket route in onModuleInit.
  await app.register(fastifyWebsocket, { options: { maxPayload: 65_536 } });
  return app;
}
