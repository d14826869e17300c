/** One failed (or not yet judged) sign-in attempt, as a failure log records it. */
export interface FailureEntry {
  /** unique per attempt, so one attempt can be taken back without touching another at the same instant */
  readonly id: string;
  readonly at: number;
}

/** A key and how many failures it may have within the window. */
export type FailureLimit = readonly [key: string, limit: number];

/**
 * Failed sign-in attempts per key (an account, an address) within a sliding window. LoginThrottleService
 * holds the policy; a log only counts, in this process (MemoryFailureLog) or in Redis for every instance.
 */
export interface FailureLog {
  /**
   * In one step: when a key already has its limit of failures within the window, returns the time of its
   * oldest one and records nothing; otherwise records the entry under every key and returns null.
   */
  record(limits: readonly FailureLimit[], entry: FailureEntry, windowMs: number): Promise<number | null>;
  /** Takes one entry back. */
  remove(key: string, entry: FailureEntry): Promise<void>;
  /** Forgets every failure of the key. */
  clear(key: string): Promise<void>;
}

/** Past this many tracked keys, expired ones are swept so a spray of emails can't grow memory forever. */
const MAX_TRACKED_KEYS = 50_000;

/** The failure log of one process: each instance counts on its own. */
export class MemoryFailureLog implements FailureLog {
  private readonly entries = new Map<string, FailureEntry[]>();

  private recent(key: string, now: number, windowMs: number): FailureEntry[] {
    const kept = (this.entries.get(key) ?? []).filter((e) => now - e.at < windowMs);
    if (kept.length) this.entries.set(key, kept);
    else this.entries.delete(key);
    return kept;
  }

  async record(limits: readonly FailureLimit[], entry: FailureEntry, windowMs: number): Promise<number | null> {
    const recent: FailureEntry[][] = [];
    for (const [key, limit] of limits) {
      const kept = this.recent(key, entry.at, windowMs);
      if (kept.length >= limit) return kept[0].at;
      recent.push(kept);
    }
    if (this.entries.size > MAX_TRACKED_KEYS) for (const key of [...this.entries.keys()]) this.recent(key, entry.at, windowMs);
    limits.forEach(([key], i) => this.entries.set(key, [...recent[i], entry]));
    return null;
  }

  async remove(key: string, entry: FailureEntry): Promise<void> {
    const kept = this.entries.get(key)?.filter((e) => e.id !== entry.id) ?? [];
    if (kept.length) this.entries.set(key, kept);
    else this.entries.delete(key);
  }

  async clear(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
