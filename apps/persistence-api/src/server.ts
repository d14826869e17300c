import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type ErrorTranslator } from '@voice/server-kit';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import type { PersistenceApiConfig } from './config';
import { DatabaseAvailability } from './database/database-availability';
import { rateLimits } from './rate-limits';

/** Builds the configured app without listening: main.ts listens, tests use it with supertest. */
export async function createApp(config: PersistenceApiConfig, logDestination?: DestinationStream): Promise<NestFastifyApplication> {
  // The error filter is built with the server, the tracker with the module: bound once both exist.
  let translate: ErrorTranslator = (err) => err;
  const app = await createServer(AppModule.forRoot(config), {
    name: 'persistence-api',
    logLevel: config.LOG_LEVEL,
    corsOrigins: config.CORS_ALLOWED_ORIGINS,
    allowedHosts: config.NODE_ENV === 'production' ? config.ALLOWED_HOSTS : [],
    trustProxyHops: config.TRUST_PROXY_HOPS,
    docs: config.API_DOCS_PUBLIC,
    bodyLimit: config.BODY_LIMIT_BYTES,
    rateLimit: rateLimits(config),
    logDestination,
    translateError: (err) => translate(err),
  });
  translate = app.get(DatabaseAvailability).translate;
  return app;
}
