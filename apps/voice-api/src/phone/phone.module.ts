import { Module } from '@nestjs/common';
import { createRedisClient } from '@voice/server-kit';
import { CallModule } from '../call/call.module';
import { CLOCK, type Clock } from '../common/clock';
import { CONFIG, type VoiceApiConfig } from '../config';
import { OutboxModule } from '../outbox/outbox.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { MemoryPhoneLimitStore, PhoneLimits, RedisPhoneLimitStore } from './phone-limits';
import { PhoneWebhooks } from './phone-webhooks';
import { MemoryStreamTokenStore, RedisStreamTokenStore, StreamTokens } from './stream-tokens';
import { TwilioMediaGateway } from './twilio-media.gateway';

/** Phone calls through Twilio Media Streams: the signed webhooks and the media WebSocket. Off without Twilio credentials. */
@Module({
  imports: [CallModule, PersistenceModule, OutboxModule],
  providers: [
    PhoneWebhooks,
    TwilioMediaGateway,
    {
      provide: PhoneLimits,
      inject: [CLOCK, CONFIG],
      useFactory: (clock: Clock, config: VoiceApiConfig) => {
        const store =
          config.REDIS_URL && config.twilio
            ? new RedisPhoneLimitStore(createRedisClient(config.REDIS_URL, { commandTimeoutMs: 2_000 }))
            : new MemoryPhoneLimitStore();
        return new PhoneLimits(clock, config.PHONE_MAX_CALLS_PER_NUMBER, store);
      },
    },
    {
      provide: StreamTokens,
      inject: [CLOCK, CONFIG],
      useFactory: (clock: Clock, config: VoiceApiConfig) => {
        const store =
          config.REDIS_URL && config.twilio
            ? new RedisStreamTokenStore(createRedisClient(config.REDIS_URL, { commandTimeoutMs: 2_000 }), clock)
            : new MemoryStreamTokenStore(clock);
        return new StreamTokens(clock, config.PHONE_STREAM_TOKEN_TTL_SECONDS, store);
      },
    },
  ],
})
export class PhoneModule {}
