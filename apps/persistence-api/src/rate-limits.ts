import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RateLimitOptions } from '@voice/server-kit';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './auth/access.guard';
import { AccessTokenVerifier } from './auth/access-token-verifier';
import { clientAddress } from './auth/client-address';
import type { PersistenceApiConfig } from './config';

/** The endpoints that hash a password or a client secret: each call costs 64 MiB and most of a core for a moment. */
export const PASSWORD_HASHING_PATHS = ['/v1/auth/register', '/v1/auth/login', '/v1/auth/token'];

/**
 * persistence-api's request-rate budgets: RATE_LIMIT_PER_MINUTE per user (the token's subject) or per
 * client address, RATE_LIMIT_AUTH_PER_MINUTE per address on the password-hashing endpoints. Service
 * credentials (voice-api writes every call's transcript) are not limited. Counted in Redis with REDIS_URL.
 */
export const rateLimits =
  (config: PersistenceApiConfig) =>
  (app: NestFastifyApplication): RateLimitOptions => {
    const tokens = app.get(AccessTokenVerifier);
    return {
      perMinute: config.RATE_LIMIT_PER_MINUTE,
      strict: { paths: PASSWORD_HASHING_PATHS, perMinute: config.RATE_LIMIT_AUTH_PER_MINUTE },
      identify: (request: FastifyRequest) => {
        const token = bearerToken(request.headers.authorization);
        if (!token) return undefined;
        try {
          const claims = tokens.verify(token);
          return claims.typ === 'service' ? `service:${claims.sub}` : `user:${claims.sub}`;
        } catch {
          return undefined; // an invalid token counts against its address; the route answers 401
        }
      },
      clientAddress: (request) => clientAddress(request, config.WEB_CLIENT_SECRET),
      redisUrl: config.REDIS_URL,
      nameSpace: 'persistence-api:rate-limit:',
    };
  };
