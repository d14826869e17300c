import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HealthChecks } from '../health/health-checks';
import { OutboxModule } from '../outbox/outbox.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MediaGateway } from './media.gateway';
import { VoiceProviders } from './voice-providers';

/** Puts the voice detector and the configured speech stages on /health (and so in the start-up log). */
@Injectable()
export class ProviderChecks implements OnModuleInit {
  constructor(
    private readonly providers: VoiceProviders,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit() {
    for (const probe of this.providers.checks()) {
      this.health.register({
        name: probe.name,
        check: async () => {
          const result = await probe.check();
          if (result.status === 'down') throw new Error(result.detail);
          return result.detail;
        },
      });
    }
  }
}

@Module({
  imports: [PersistenceModule, OutboxModule, SessionsModule],
  providers: [VoiceProviders, MediaGateway, ProviderChecks],
})
export class MediaModule {}
