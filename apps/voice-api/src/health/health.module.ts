import { Module } from '@nestjs/common';
import { HealthModule } from '@voice/server-kit';
import { OutboxModule } from '../outbox/outbox.module';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceModule } from '../persistence/persistence.module';
import { HealthChecks } from './health-checks';
import { StartupChecks } from './startup-checks';

/** Below server-kit's 800 ms probe limit, so a hanging persistence-api is reported with our own message. */
const PERSISTENCE_PROBE_TIMEOUT_MS = 700;

/**
 * GET /health, App Service's instance health check: 503 only when this instance cannot serve calls
 * (its outbox cannot write its directory, a configured speech stage cannot run or its provider refuses
 * our key: see CredentialChecks). persistence-api is
 * reported but not fatal: every instance shares it, so while it is briefly unreachable the answer is
 * 200 "degraded" (and a warning in the log) rather than taking every instance out of rotation, and the
 * outbox holds the turns until it is back (a backlog alone is not "down": the outbox exists to hold
 * one). More checks join through HealthChecks. StartupChecks logs the same checks once at start-up. A probe may resolve with a
 * one-line detail for that log.
 */
@Module({
  imports: [
    HealthModule.forRootAsync({
      imports: [PersistenceModule, OutboxModule],
      inject: [HealthChecks, PersistenceClient, TranscriptOutbox],
      useFactory: (checks: HealthChecks, persistence: PersistenceClient, outbox: TranscriptOutbox) => {
        checks.register({
          name: 'persistence-api',
          fatal: false,
          check: async () => {
            await persistence.health(PERSISTENCE_PROBE_TIMEOUT_MS);
            return `answers at ${persistence.baseUrl}`;
          },
        });
        checks.register({
          name: 'outbox',
          check: async () => {
            await outbox.checkWritable();
            return `can write ${outbox.dir}`;
          },
        });
        return checks.probes;
      },
    }),
  ],
  providers: [StartupChecks],
})
export class VoiceHealthModule {}
