import { Module } from '@nestjs/common';
import { HealthModule } from '@voice/server-kit';
import { OutboxModule } from '../outbox/outbox.module';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceModule } from '../persistence/persistence.module';
import { HealthChecks } from './health-checks';

/** Below server-kit's 800 ms probe limit, so a hanging persistence-api is reported with our own message. */
const PERSISTENCE_PROBE_TIMEOUT_MS = 700;

/**
 * GET /health: persistence-api reachable and healthy, and the outbox able to write its directory
 * (a backlog alone is not "down": the outbox exists to hold one). More checks join through HealthChecks.
 */
@Module({
  imports: [
    HealthModule.forRootAsync({
      imports: [PersistenceModule, OutboxModule],
      inject: [HealthChecks, PersistenceClient, TranscriptOutbox],
      useFactory: (checks: HealthChecks, persistence: PersistenceClient, outbox: TranscriptOutbox) => {
        checks.register({ name: 'persistence-api', check: () => persistence.health(PERSISTENCE_PROBE_TIMEOUT_MS) });
        checks.register({ name: 'outbox', check: () => outbox.checkWritable() });
        return checks.probes;
      },
    }),
  ],
})
export class VoiceHealthModule {}
