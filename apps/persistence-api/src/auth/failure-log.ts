/** One sign-in attempt, as a failure log records it: first in flight (being checked), then failed. */
export interface FailureEntry {
  /** unique per attempt, so one attempt can be taken back without touching another at the same instant */
  readonly id: string;
  readonly at: number;
}

/** A key and how many failures it may have within the window. */
export type FailureLimit = readonly [key: string, limit: number];

/** What `record` decided: go ahead, wait for attempts in flight, or refused until `oldest` ages out. */
export type RecordResult = { kind: 'recorded' } | { kind: 'busy' } | { kind: 'locked'; oldest: number };

/** An attempt in flight longer than this is taken for one whose process died, and no longer counts. */
export const IN_FLIGHT_MAX_MS = 60_000;

/**
 * Sign-in attempts per key (an account, an address) within a sliding window: the failed ones, and
 * the ones still being checked (in flight). LoginThrottleService holds the policy; a log only counts,
 * in this process (MemoryFailureLog) or in Redis for every instance.
 */
export interface FailureLog {
  /**
   * In one step, for every key: when it already has its limit of failures within the window, answers
   * `locked` with the time of its oldest failure; when failures plus attempts in flight reach the limit,
   * answers `busy` (an attempt in flight may yet succeed); otherwise records the entry as in flight
   * under every key. Only `recorded` records anything.
   */
  record(limits: readonly FailureLimit[], entry: FailureEntry, windowMs: number): Promise<RecordResult>;
  /** The attempt in flight failed: it counts as a failure of every key for the window. */
  fail(keys: readonly string[], entry: FailureEntry, windowMs: number): Promise<void>;
  /** Takes an attempt in flight back: it counts against nobody. */
  remove(key: string, entry: FailureEntry): Promise<void>;
  /** Forgets every failure of the key (attempts in flight stay). */
  clear(key: string): Promise<void>;
}

interface Counts {
  failed: FailureEntry[];
  inFlight: FailureEntry[];
}

/** Past this many tracked keys, expired ones are swept so a spray of emails can't grow memory forever. */
const MAX_TRACKED_KEYS = 50_000;

/** The failure log of one process: each instance counts on its own. */
export class MemoryFailureLog implements FailureLog {
  private readonly entries = new Map<string, Counts>();

  private recent(key: string, now: number, windowMs: number): Counts {
    const current = this.entries.get(key);
    const kept = {
      failed: (current?.failed ?? []).filter((e) => now - e.at < windowMs),
      inFlight: (current?.inFlight ?? []).filter((e) => now - e.at < IN_FLIGHT_MAX_MS),
    };
    this.store(key, kept);
    return kept;
  }

  private store(key: string, counts: Counts) {
    if (counts.failed.length || counts.inFlight.length) this.entries.set(key, counts);
    else this.entries.delete(key);
  }

  async record(limits: readonly FailureLimit[], entry: FailureEntry, windowMs: number): Promise<RecordResult> {
    const recent: Counts[] = [];
    let busy = false;
    for (const [key, limit] of limits) {
      const counts = this.recent(key, entry.at, windowMs);
      if (counts.failed.length >= limit) return { kind: 'locked', oldest: counts.failed[0].at };
      busy ||= counts.failed.length + counts.inFlight.length >= limit;
      recent.push(counts);
    }
    if (busy) return { kind: 'busy' };
    if (this.entries.size > MAX_TRACKED_KEYS) for (const key of [...this.entries.keys()]) this.recent(key, entry.at, windowMs);
    limits.forEach(([key], i) => this.store(key, { failed: recent[i].failed, inFlight: [...recent[i].inFlight, entry] }));
    return { kind: 'recorded' };
  }

  /** Only an attempt recorded here is judged here (RedisFailureLog tells this log of every failure). */
  async fail(keys: readonly string[], entry: FailureEntry): Promise<void> {
    for (const key of keys) {
      const counts = this.entries.get(key);
      if (!counts?.inFlight.some((e) => e.id === entry.id)) continue;
      this.store(key, { failed: [...counts.failed, entry].sort((a, b) => a.at - b.at), inFlight: counts.inFlight.filter((e) => e.id !== entry.id) });
    }
  }

  async remove(key: string, entry: FailureEntry): Promise<void> {
    const counts = this.entries.get(key);
    if (counts) this.store(key, { failed: counts.failed, inFlight: counts.inFlight.filter((e) => e.id !== entry.id) });
  }

  async clear(key: string): Promise<void> {
    const counts = this.entries.get(key);
    if (counts) this.store(key, { failed: [], inFlight: counts.inFlight });
  }
}
