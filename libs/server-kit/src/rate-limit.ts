import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { closeRedisClient, createRedisClient } from './redis';

/** The request-rate budgets of one API; see registerRateLimit. */
export interface RateLimitOptions {
  /** Requests per minute for each signed-in user, or each client address when anonymous. */
  perMinute: number;
  /** Tighter per-minute budgets, per client address, shared by the given paths (the ones that hash passwords). */
  strict?: { paths: string[]; perMinute: number };
  /**
   * Who sends the request, when it carries a valid credential: `user:<subject>`, or `service:<client>`
   * for a service credential, which no budget applies to. Undefined for anonymous requests (and invalid
   * credentials): those count against the client address.
   */
  identify(request: FastifyRequest): string | undefined | Promise<string | undefined>;
  /** The client's address; request.ip (after TRUST_PROXY_HOPS) unless the app knows better. */
  clientAddress?(request: FastifyRequest): string;
  /** Redis (REDIS_URL) to count in, so every instance counts together. Unset: this process counts alone. */
  redisUrl?: string;
  /** Key prefix in Redis, one per app. */
  nameSpace: string;
}

/** Paths no budget applies to: the platform's health probe must never be refused. */
const EXEMPT = new Set(['/health']);
const WINDOW_MS = 60_000;

const pathOf = (request: FastifyRequest) => request.url.split('?', 1)[0];

/**
 * Answers 429 with Retry-After and the usual error body once a caller has used its budget for the
 * minute (@fastify/rate-limit, fixed one-minute windows). Register before the app's routes exist
 * (the plugin hooks each route as it is added).
 */
export async function registerRateLimit(app: NestFastifyApplication, options: RateLimitOptions) {
  const address = (request: FastifyRequest) => normalizeIP(options.clientAddress?.(request) ?? request.ip);
  const strictPaths = new Set(options.strict?.paths ?? []);
  // skipOnError below serves requests while Redis is unreachable.
  const redis = options.redisUrl ? createRedisClient(options.redisUrl) : undefined;
  if (redis) {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onClose', () => closeRedisClient(redis));
  }
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: WINDOW_MS,
    redis,
    nameSpace: options.nameSpace,
    // While Redis is unreachable requests are served rather than refused (the sign-in failure counts
    // still hold); each command waits at most the client's command timeout.
    skipOnError: true,
    allowList: (request, key) => EXEMPT.has(pathOf(request)) || String(key).startsWith('service:'),
    keyGenerator: async (request) => {
      if (strictPaths.has(pathOf(request))) return `strict:${address(request)}`;
      return (await options.identify(request)) ?? `address:${address(request)}`;
    },
    max: (_request, key) => (key.startsWith('strict:') && options.strict ? options.strict.perMinute : options.perMinute),
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      const who = strictPaths.has(pathOf(request)) ? 'sign-in, registration and token requests from one address' : 'requests';
      return ApiError.tooManyRequests(`Too many ${who}: the limit is ${context.max} a minute. Wait ${seconds} seconds and try again.`, seconds);
    },
  });
}
