import { Injectable } from '@nestjs/common';
import { CredentialCache, type CredentialProbe } from '@voice/agent/cloud';
import { NonFatalHealthError } from '@voice/server-kit';

/**
 * The verdicts on this process's cloud credentials, for the health checks of the stages that use
 * them. A refused key takes the instance out of rotation (/health 503): nothing it would serve can
 * work until the setting is fixed, and the deploy job's health check should fail on it. A provider
 * that cannot be reached is every instance's problem and may pass, so it leaves the answer 200
 * "degraded", as persistence-api does.
 */
@Injectable()
export class CredentialChecks {
  private readonly cache = new CredentialCache();

  /** Resolves with a line for the start-up log; rejects with one for /health. */
  async verify(probe: CredentialProbe): Promise<string> {
    const verdict = await this.cache.verdict(probe);
    if (verdict.outcome === 'accepted') return verdict.detail;
    if (verdict.outcome === 'rejected') throw new Error(verdict.detail);
    throw new NonFatalHealthError(verdict.detail);
  }
}
