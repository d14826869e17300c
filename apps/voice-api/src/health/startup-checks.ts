import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthChecks } from './health-checks';

/**
 * At start-up, the checks GET /health runs, one log line per dependency, so a missing engine or
 * an unreachable persistence-api is named in the first lines of the log, not on the first call.
 * A failure is a warning, not a refusal to start: /health keeps reporting it, and the outbox holds
 * turns until persistence-api is back.
 */
@Injectable()
export class StartupChecks implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');

  constructor(private readonly checks: HealthChecks) {}

  async onApplicationBootstrap() {
    const probes = [...this.checks.probes];
    const results = await Promise.all(
      probes.map((probe) =>
        probe.check().then(
          (detail) => ({ up: true, detail: typeof detail === 'string' ? detail : 'ok' }),
          (err: unknown) => ({ up: false, detail: err instanceof Error ? err.message : String(err) }),
        ),
      ),
    );
    probes.forEach((probe, i) => {
      const { up, detail } = results[i];
      if (up) this.logger.log(`${probe.name}: up (${detail})`);
      else this.logger.warn(`${probe.name}: down (${detail})`);
    });
  }
}
