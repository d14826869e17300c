/** Every this many 20 ms messages of agent audio, a `mark` follows: Twilio echoes it once that audio has played. */
export const MARK_EVERY_MESSAGES = 2;

/**
 * What the caller has heard of the agent's audio, from Twilio's `mark` echoes. Marks are named by
 * their position in the call's agent audio (ms); a turn's audio starts at the position of its first
 * frame. After a `clear`, Twilio echoes the marks still queued at once: those were never heard, so
 * the marks pending then are forgotten.
 */
export class HeardAudio {
  private sentMs = 0;
  private heardMs = 0;
  private turnStartMs = 0;
  private readonly pending = new Set<string>();
  private burstStartMs?: number;
  private readonly waiters: { atMs: number; resolve(): void }[] = [];

  /** One 20 ms message of agent audio went out; returns a mark name when one should follow it. */
  sent(): string | undefined {
    if (this.burstStartMs === undefined) {
      this.burstStartMs = this.sentMs;
      // Frames sent in one synchronous burst belong to one turn: the pipeline announces a turn
      // ("speaking") right after its first frames, in the same burst.
      queueMicrotask(() => (this.burstStartMs = undefined));
    }
    this.sentMs += 20;
    if ((this.sentMs / 20) % MARK_EVERY_MESSAGES !== 0) return undefined;
    const name = `a${this.sentMs}`;
    this.pending.add(name);
    return name;
  }

  /** A new agent turn started speaking: its audio began with the current burst. */
  turnStarted(): void {
    this.turnStartMs = this.burstStartMs ?? this.sentMs;
  }

  /** Twilio echoed a mark: the audio before it has played. */
  echoed(name: string): void {
    if (!this.pending.delete(name)) return;
    this.heardMs = Math.max(this.heardMs, Number(name.slice(1)));
    for (const w of this.waiters.filter((w) => w.atMs <= this.heardMs)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /**
   * A mark for all the agent audio sent so far, and a promise that resolves once Twilio echoes it
   * (that audio has played); no mark when it has all been heard already.
   */
  markAllSent(): { mark?: string; heard: Promise<void> } {
    if (this.heardMs >= this.sentMs) return { heard: Promise.resolve() };
    const atMs = this.sentMs;
    const mark = `a${atMs}`;
    this.pending.add(mark);
    return { mark, heard: new Promise<void>((resolve) => this.waiters.push({ atMs, resolve })) };
  }

  /** The agent's audio was cleared: how much of the current turn the caller heard (ms). */
  cleared(): number {
    this.pending.clear();
    return Math.max(0, this.heardMs - this.turnStartMs);
  }
}
