import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RateLimitOptions } from '@voice/server-kit';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './auth/user-auth.guard';
import { UserTokenVerifier } from './auth/user-token-verifier';
import type { VoiceApiConfig } from './config';

/**
 * voice-api's request-rate budget: RATE_LIMIT_PER_MINUTE per signed-in user (the token's subject), or
 * per client address for anonymous requests and invalid tokens. Counted in Redis with REDIS_URL.
 */
export const rateLimits =
  (config: VoiceApiConfig) =>
  (app: NestFastifyApplication): RateLimitOptions => {
    const verifier = app.get(UserTokenVerifier);
    return {
      perMinute: config.RATE_LIMIT_PER_MINUTE,
      identify: async (request: FastifyRequest) => {
        const token = bearerToken(request.headers.authorization);
        if (!token) return undefined;
        try {
          return `user:${(await verifier.verify(token)).userId}`;
        } catch {
          return undefined; // an invalid token counts against its address; the route answers 401
        }
      },
      redisUrl: config.REDIS_URL,
      nameSpace: 'voice-api:rate-limit:',
    };
  };
