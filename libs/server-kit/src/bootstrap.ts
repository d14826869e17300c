import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { ApiError } from './api-error';
import { AllExceptionsFilter, type ErrorTranslator } from './error-filter';
import { createLogger, PinoNestLogger } from './logger';
import { registerRateLimit, type RateLimitOptions } from './rate-limit';
import { securityHeaders } from './security-headers';
import { shutdownTelemetry } from './telemetry';

export interface ServerOptions {
  name: string;
  version?: string;
  logLevel: string;
  /** Origins allowed by CORS, credentials included; any other origin gets no CORS headers. */
  corsOrigins: string[];
  /** Accepted Host header values; empty accepts any. /health is always reachable for probes. */
  allowedHosts: string[];
  trustProxyHops: number;
  bodyLimit: number;
  /** Serves the OpenAPI UI and document at /docs (API_DOCS_PUBLIC); off, /docs is not a route at all. */
  docs: boolean;
  /** Request-rate budgets, built from the created app (its providers identify callers); none when unset. */
  rateLimit?: (app: NestFastifyApplication) => RateLimitOptions;
  /** Where JSON log lines go; stdout by default (tests capture them in memory). */
  logDestination?: DestinationStream;
  /** Turns errors the app recognises into ApiErrors before the error filter answers them. */
  translateError?: ErrorTranslator;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the Nest app on Fastify with everything both APIs share: JSON logs with request ids and
 * redaction, helmet, CORS from the allow-list, trusted proxy hops, host checking, request-rate limits, one error shape,
 * OpenAPI at /docs when `docs` is on, and graceful shutdown on SIGTERM. The caller adds routes and calls listen().
 */
export async function createServer(module: Type<unknown> | DynamicModule, options: ServerOptions): Promise<NestFastifyApplication> {
  const logger = createLogger(options.name, options.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    trustProxy: options.trustProxyHops,
    bodyLimit: options.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(logger),
    // Fastify's own JSON parser is the only one: bodyLimit applies, and other types get 415.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  // The last spans and metrics leave before the process exits (a no-op when telemetry is off).
  fastify.addHook('onClose', () => shutdownTelemetry());

  const security = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.headers(security).header('x-request-id', request.id);
    if (options.allowedHosts.length === 0 || request.url === '/health') return;
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!options.allowedHosts.includes(host)) {
      throw ApiError.badRequest(`Host "${host}" is not served here; add it to ALLOWED_HOSTS if it should be`);
    }
  });

  await app.register(fastifyCors, {
    origin: (origin, cb) => cb(null, origin !== undefined && options.corsOrigins.includes(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
  await app.register(fastifyCookie);
  if (options.rateLimit) await registerRateLimit(app, options.rateLimit(app));

  app.useGlobalFilters(new AllExceptionsFilter(options.translateError));
  // After draining, exit with code 0 rather than re-raising the signal: a stop that App Service (or
  // any supervisor) asked for reads as a clean exit, and process.exit lets the logger flush.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });

  if (options.docs) serveDocs(app, options);
  return app;
}

/** The OpenAPI UI at /docs and its document at /docs/openapi.json. */
function serveDocs(app: NestFastifyApplication, options: ServerOptions) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.name)
      .setVersion(options.version ?? '1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

/** Listens and logs one line with the address; SIGTERM then drains requests and exits. */
export async function listen(app: INestApplication, port: number, host: string, name: string) {
  await app.listen(port, host);
  const url = await app.getUrl();
  (app as NestFastifyApplication).getHttpAdapter().getInstance().log.info({ url }, `${name} listening on ${url}`);
}
