import { Module } from '@nestjs/common';
import { createRedisClient } from '@voice/server-kit';
import { AuthModule } from '../auth/auth.module';
import { CLOCK, type Clock } from '../common/clock';
import { CONFIG, type VoiceApiConfig } from '../config';
import { HealthChecks } from '../health/health-checks';
import { OutboxModule } from '../outbox/outbox.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { LiveKitCheck } from './livekit-check';
import { LiveKitRooms } from './livekit-rooms';
import { MemorySessionStore } from './memory-session-store';
import { RedisSessionStore } from './redis-session-store';
import { SESSION_STORE, type SessionStore } from './session-store';
import { SessionsController } from './sessions.controller';
import { LIVEKIT_ROOMS, SessionsService } from './sessions.service';
import { TicketService } from './ticket.service';

/** A session start may wait this long for Redis before answering 503 (the rate limiter, which only counts, waits less). */
const STORE_COMMAND_TIMEOUT_MS = 2_000;

/**
 * With REDIS_URL the sessions live in Redis, shared by every instance; /health reports it as "redis",
 * not fatal (every instance shares it: while it is down new sessions get 503 and calls in progress go on).
 */
function sessionStore(config: VoiceApiConfig, clock: Clock, checks: HealthChecks): SessionStore {
  if (!config.REDIS_URL) return new MemorySessionStore(clock);
  const store = new RedisSessionStore(createRedisClient(config.REDIS_URL, { commandTimeoutMs: STORE_COMMAND_TIMEOUT_MS }), clock);
  checks.register({
    name: 'redis',
    fatal: false,
    check: async () => {
      await store.ping();
      return 'voice sessions, tickets and caps shared by every instance';
    },
  });
  return store;
}

@Module({
  imports: [AuthModule, PersistenceModule, OutboxModule],
  controllers: [SessionsController],
  providers: [
    SessionsService,
    { provide: SESSION_STORE, inject: [CONFIG, CLOCK, HealthChecks], useFactory: sessionStore },
    LiveKitCheck,
    {
      provide: TicketService,
      inject: [CLOCK, CONFIG, SESSION_STORE],
      useFactory: (clock: Clock, config: VoiceApiConfig, store: SessionStore) => new TicketService(clock, config.TICKET_TTL_SECONDS, store),
    },
    {
      provide: LIVEKIT_ROOMS,
      inject: [CONFIG],
      useFactory: (config: VoiceApiConfig) =>
        config.livekit ? new LiveKitRooms({ ...config.livekit, tokenTtlSeconds: config.LIVEKIT_TOKEN_TTL, agentName: config.LIVEKIT_AGENT_NAME }) : null,
    },
  ],
  exports: [SessionsService, TicketService, LIVEKIT_ROOMS],
})
export class SessionsModule {}
