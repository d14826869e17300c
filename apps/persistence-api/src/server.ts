import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from '@voice/server-kit';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import type { PersistenceApiConfig } from './config';
import { rateLimits } from './rate-limits';

/** Builds the configured app without listening: main.ts listens, tests use it with supertest. */
export function createApp(config: PersistenceApiConfig, logDestination?: DestinationStream): Promise<NestFastifyApplication> {
  return createServer(AppModule.forRoot(config), {
    name: 'persistence-api',
    logLevel: config.LOG_LEVEL,
    corsOrigins: config.CORS_ALLOWED_ORIGINS,
    allowedHosts: config.NODE_ENV === 'production' ? config.ALLOWED_HOSTS : [],
    trustProxyHops: config.TRUST_PROXY_HOPS,
    bodyLimit: config.BODY_LIMIT_BYTES,
    rateLimit: rateLimits(config),
    logDestination,
  });
}
