import { runCredentialProbe, type CredentialProbe, type CredentialVerdict } from './credential-probe';

export interface CredentialCacheOptions {
  /** How long an accepted credential is trusted before it is asked again. Default 5 minutes. */
  acceptedTtlMs?: number;
  /** How long a refusal or an outage stands before it is asked again. Default 30 s. */
  failedTtlMs?: number;
  now?: () => number;
}

interface Entry {
  verdict?: CredentialVerdict;
  at: number;
  running?: Promise<CredentialVerdict>;
}

/**
 * Verdicts on credentials, so health pings do not call the providers. The first question about a
 * probe waits for its answer (start-up asks it, so /health then answers from memory); later ones
 * get the last verdict at once and, when it has expired, start one refresh in the background.
 * Probes with the same id share an entry, so one key used by two stages is checked once.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly acceptedTtlMs: number;
  private readonly failedTtlMs: number;
  private readonly now: () => number;

  constructor(options: CredentialCacheOptions = {}) {
    this.acceptedTtlMs = options.acceptedTtlMs ?? 5 * 60_000;
    this.failedTtlMs = options.failedTtlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async verdict(probe: CredentialProbe): Promise<CredentialVerdict> {
    let entry = this.entries.get(probe.id);
    if (!entry) {
      entry = { at: 0 };
      this.entries.set(probe.id, entry);
    }
    if (!entry.verdict) return this.refresh(entry, probe);
    const ttl = entry.verdict.outcome === 'accepted' ? this.acceptedTtlMs : this.failedTtlMs;
    if (this.now() - entry.at >= ttl) void this.refresh(entry, probe);
    return entry.verdict;
  }

  private refresh(entry: Entry, probe: CredentialProbe): Promise<CredentialVerdict> {
    entry.running ??= runCredentialProbe(probe).then((verdict) => {
      entry.verdict = verdict;
      entry.at = this.now();
      entry.running = undefined;
      return verdict;
    });
    return entry.running;
  }
}
