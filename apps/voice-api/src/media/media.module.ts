import { Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HealthChecks } from '../health/health-checks';
import { OutboxModule } from '../outbox/outbox.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MediaGateway } from './media.gateway';
import { VoiceProviders } from './voice-providers';

/** Puts the configured speech stages on /health, and says at start-up, one line each, whether they can run. */
@Injectable()
export class ProviderChecks implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Providers');

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
        },
      });
    }
  }

  async onApplicationBootstrap() {
    for (const probe of this.providers.checks()) {
      const result = await probe.check();
      const line = `${probe.name}: ${result.status} (${result.detail})`;
      if (result.status === 'up') this.logger.log(line);
      else this.logger.warn(line);
    }
  }
}

@Module({
  imports: [PersistenceModule, OutboxModule, SessionsModule],
  providers: [VoiceProviders, MediaGateway, ProviderChecks],
})
export class MediaModule {}
