import { Injectable, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { resolve } from 'node:path';
import { CONFIG, type VoiceApiConfig } from '../config';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceModule } from '../persistence/persistence.module';
import { TranscriptOutbox } from './transcript-outbox';

/** How long shutdown waits for pending transcripts before leaving them on disk. */
export const SHUTDOWN_FLUSH_MS = 5_000;

/** Replays what an earlier run left on boot; delivers what it can on shutdown. */
@Injectable()
export class OutboxLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly outbox: TranscriptOutbox) {}

  onApplicationBootstrap() {
    return this.outbox.start();
  }

  async beforeApplicationShutdown() {
    await this.outbox.flush(SHUTDOWN_FLUSH_MS);
  }
}

@Module({
  imports: [PersistenceModule],
  providers: [
    {
      provide: TranscriptOutbox,
      inject: [CONFIG, PersistenceClient],
      useFactory: (config: VoiceApiConfig, client: PersistenceClient) =>
        new TranscriptOutbox({ dir: resolve(config.DATA_DIR, 'outbox'), target: client, logger: new Logger('TranscriptOutbox') }),
    },
    OutboxLifecycle,
  ],
  exports: [TranscriptOutbox],
})
export class OutboxModule {}
