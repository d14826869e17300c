import { Global, Injectable, Module } from '@nestjs/common';
import type { HealthProbe } from '@voice/server-kit';
import { CredentialChecks } from './credential-checks';

/**
 * The seam for GET /health: any module may inject HealthChecks and register({ name, check }),
 * e.g. a configured speech provider. Probes registered during module initialisation are part of
 * every answer from the first request on.
 */
@Injectable()
export class HealthChecks {
  /** The live list server-kit's HealthModule reads on every request. */
  readonly probes: HealthProbe[] = [];

  register(probe: HealthProbe) {
    if (this.probes.some((p) => p.name === probe.name)) throw new Error(`health check "${probe.name}" is registered twice`);
    this.probes.push(probe);
  }
}

@Global()
@Module({ providers: [HealthChecks, CredentialChecks], exports: [HealthChecks, CredentialChecks] })
export class HealthChecksModule {}
