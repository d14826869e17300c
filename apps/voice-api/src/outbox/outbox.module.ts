import { Injectable, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type VoiceApiConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceModule } from '../persistence/persistence.module';
import { ProcessOutboxes } from './process-outboxes';
import { TranscriptOutbox } from './transcript-outbox';

/** Reports the backlog, and delivers what it can before the process exits. */
@Injectable()
export class OutboxLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TranscriptOutbox');

  constructor(
    private readonly outboxes: ProcessOutboxes,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap() {
    const adopted = this.outboxes.replays.length;
    if (adopted) this.logger.log(`adopted ${adopted} outbox director(ies) an earlier process left undelivered`);
    this.metrics.gauge('voice_transcript_outbox_pending', 'Finished turns and conversation ends stored on disk, not yet delivered to persistence-api.', () =>
      this.outboxes.pending(),
    );
  }

  async beforeApplicationShutdown() {
    await this.outboxes.close();
  }
}

@Module({
  imports: [PersistenceModule],
  providers: [
    {
      provide: ProcessOutboxes,
      inject: [CONFIG, PersistenceClient],
      useFactory: (config: VoiceApiConfig, client: PersistenceClient) => ProcessOutboxes.open(config.DATA_DIR, client, new Logger('TranscriptOutbox')),
    },
    { provide: TranscriptOutbox, inject: [ProcessOutboxes], useFactory: (outboxes: ProcessOutboxes) => outboxes.own },
    OutboxLifecycle,
  ],
  exports: [TranscriptOutbox],
})
export class OutboxModule {}
