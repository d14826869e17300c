import { Module, type DynamicModule } from '@nestjs/common';
import type { Clock } from './common/clock';
import { ClockModule } from './common/clock.module';
import { ConfigModule, type VoiceApiConfig } from './config';
import { DomainModule } from './domain';
import { HealthChecksModule } from './health/health-checks';
import { VoiceHealthModule } from './health/health.module';
import { LiveKitWorkerModule } from './livekit-agent/livekit-worker.module';
import { MediaModule } from './media/media.module';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { PersistenceModule } from './persistence/persistence.module';
import { PhoneModule } from './phone/phone.module';
import { SessionsModule } from './sessions/sessions.module';

export interface AppOptions {
  /** Replaces the system clock (tests drive session expiry and ticket lifetimes with it). */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: VoiceApiConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(options.clock),
        HealthChecksModule,
        MetricsModule,
        PersistenceModule,
        DomainModule,
        OutboxModule,
        SessionsModule,
        MediaModule,
        PhoneModule,
        LiveKitWorkerModule,
        VoiceHealthModule,
      ],
    };
  }
}
