import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { CredentialChecks } from '../health/credential-checks';
import { HealthChecks } from '../health/health-checks';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxModule } from '../outbox/outbox.module';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { InjectCallDomain } from './call-domain.token';
import type { CallDomain } from './call-domain';
import type { CallPort } from './call-port';
import { VoiceCall, type CallDependencies, type CallSetup } from './voice-call';
import { VoiceProviders } from './voice-providers';

/** Opens calls for this process's transport adapters, with the process's providers, outbox and metrics. */
@Injectable()
export class VoiceCalls {
  private readonly deps: CallDependencies;

  constructor(
    @InjectConfig() config: VoiceApiConfig,
    @InjectCallDomain() readonly domain: CallDomain,
    providers: VoiceProviders,
    outbox: TranscriptOutbox,
    metrics: MetricsService,
  ) {
    this.deps = { config, providers, domain, outbox, metrics };
  }

  open(setup: CallSetup, port: CallPort): Promise<VoiceCall> {
    return VoiceCall.open(this.deps, setup, port);
  }
}

/**
 * Puts the voice detector and the configured speech stages on /health (and so in the start-up log);
 * a cloud stage is up once its provider has accepted the credential (see CredentialChecks).
 */
@Injectable()
export class ProviderChecks implements OnModuleInit {
  constructor(
    private readonly providers: VoiceProviders,
    private readonly health: HealthChecks,
    private readonly credentials: CredentialChecks,
  ) {}

  onModuleInit() {
    for (const probe of this.providers.checks()) {
      this.health.register({
        name: probe.name,
        check: async () => {
          const result = await probe.check();
          if (result.status === 'down') throw new Error(result.detail);
          const credential = await probe.credential();
          return credential ? `${result.detail}; ${await this.credentials.verify(credential)}` : result.detail;
        },
      });
    }
  }
}

/** Calls for the transports: the domain comes from DomainModule (src/domain.ts). */
@Module({
  imports: [OutboxModule],
  providers: [VoiceProviders, VoiceCalls, ProviderChecks],
  exports: [VoiceCalls, VoiceProviders],
})
export class CallModule {}
