import { Inject, Injectable, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type VoiceApiConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceModule } from '../persistence/persistence.module';
import { claimOutboxDirs, outboxRoot, type OutboxDirs } from './outbox-dirs';
import { TranscriptOutbox } from './transcript-outbox';

/** How long shutdown waits for pending transcripts before leaving them on disk. */
export const SHUTDOWN_FLUSH_MS = 5_000;

const OUTBOX_DIRS = Symbol('OUTBOX_DIRS');

/**
 * This process's outbox (in a directory of its own: instances may share DATA_DIR), plus one replay
 * outbox per directory adopted from a process that died with transcripts pending.
 */
@Injectable()
export class OutboxLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TranscriptOutbox');
  private replays: TranscriptOutbox[] = [];

  constructor(
    private readonly outbox: TranscriptOutbox,
    private readonly client: PersistenceClient,
    @Inject(OUTBOX_DIRS) private readonly dirs: OutboxDirs,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap() {
    this.replays = this.dirs.adopted.map((dir) => new TranscriptOutbox({ dir, target: this.client, logger: this.logger }));
    if (this.replays.length) this.logger.log(`adopted ${this.replays.length} outbox director(ies) an earlier process left undelivered`);
    const outboxes = [this.outbox, ...this.replays];
    this.metrics.gauge('voice_transcript_outbox_pending', 'Finished turns and conversation ends stored on disk, not yet delivered to persistence-api.', () =>
      outboxes.reduce((sum, box) => sum + box.pending(), 0),
    );
    await Promise.all(outboxes.map((box) => box.start()));
  }

  async beforeApplicationShutdown() {
    await Promise.all([this.outbox, ...this.replays].map((box) => box.flush(SHUTDOWN_FLUSH_MS)));
    await this.dirs.release();
  }
}

@Module({
  imports: [PersistenceModule],
  providers: [
    { provide: OUTBOX_DIRS, inject: [CONFIG], useFactory: (config: VoiceApiConfig) => claimOutboxDirs(outboxRoot(config.DATA_DIR)) },
    {
      provide: TranscriptOutbox,
      inject: [OUTBOX_DIRS, PersistenceClient],
      useFactory: (dirs: OutboxDirs, client: PersistenceClient) =>
        new TranscriptOutbox({ dir: dirs.own, target: client, logger: new Logger('TranscriptOutbox') }),
    },
    OutboxLifecycle,
  ],
  exports: [TranscriptOutbox],
})
export class OutboxModule {}
