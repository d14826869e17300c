import { MEDIA_FRAME_MS } from '@voice/contracts/media';

export interface PlayoutOptions {
  send(frame: Int16Array): void;
  /** How far ahead of real time frames are sent: enough to ride out network jitter, small enough that a barge-in drops little. */
  leadMs?: number;
  now?: () => number;
}

/**
 * Sends agent audio at the pace it plays, a little ahead of real time, so that when the caller
 * barges in only the lead is already on the wire, and we know how much the caller has heard.
 */
export class Playout {
  private queue: Int16Array[] = [];
  private nextSendAt = 0;
  private sentFrames = 0;
  private timer?: NodeJS.Timeout;
  private firstSentAt?: number;
  private readonly lead: number;
  private readonly now: () => number;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: PlayoutOptions) {
    this.lead = options.leadMs ?? 100;
    this.now = options.now ?? (() => performance.now());
  }

  /** Starts a new turn's audio: counters restart at zero. */
  beginTurn(): void {
    this.clear();
    this.sentFrames = 0;
    this.firstSentAt = undefined;
  }

  enqueue(frames: Int16Array[]): void {
    if (frames.length === 0) return;
    this.queue.push(...frames);
    this.tick();
    this.timer ??= setInterval(() => this.tick(), 10);
  }

  /** When the first frame of this turn went out (performance.now() clock). */
  get startedAt(): number | undefined {
    return this.firstSentAt;
  }

  /** Audio of this turn sent so far, in ms. */
  get sentMs(): number {
    return this.sentFrames * MEDIA_FRAME_MS;
  }

  /** Audio of this turn the caller has heard by now: what was sent, less what is still in their buffer. */
  get playedMs(): number {
    return Math.max(0, this.sentMs - Math.max(0, this.nextSendAt - this.now()));
  }

  /** True while frames are queued or the caller's buffer still holds some. */
  get busy(): boolean {
    return this.queue.length > 0 || this.nextSendAt > this.now();
  }

  /** Drops everything not yet sent; returns what the caller heard of the turn. */
  clear(): number {
    const played = this.playedMs;
    this.queue = [];
    this.nextSendAt = Math.min(this.nextSendAt, this.now());
    this.stop();
    return played;
  }

  /** Resolves once everything queued has been sent and played. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.clear();
  }

  private tick() {
    const now = this.now();
    while (this.queue.length > 0 && Math.max(this.nextSendAt, now) < now + this.lead) {
      const frame = this.queue.shift() as Int16Array;
      // nextSendAt is when the caller will start playing the next frame; after an underrun that is now.
      this.nextSendAt = Math.max(this.nextSendAt, now) + MEDIA_FRAME_MS;
      this.sentFrames++;
      this.firstSentAt ??= now;
      this.options.send(frame);
    }
    if (!this.busy) this.stop();
  }

  private stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.busy) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
