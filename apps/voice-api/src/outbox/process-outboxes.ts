import { claimOutboxDirs, outboxRoot, type OutboxDirs } from './outbox-dirs';
import { TranscriptOutbox, type OutboxLogger, type OutboxTarget } from './transcript-outbox';

/** How long closing waits for pending transcripts before leaving them on disk. */
export const SHUTDOWN_FLUSH_MS = 5_000;

/**
 * A process's transcript outboxes: its own, in a directory of its own under DATA_DIR/outbox (processes
 * may share DATA_DIR, see outbox-dirs.ts), and one replay outbox per directory adopted from a process
 * that died with transcripts pending. voice-api opens one at start-up, each LiveKit job one of its own.
 */
export class ProcessOutboxes {
  private constructor(
    /** Where this process queues what it stores. */
    readonly own: TranscriptOutbox,
    /** Delivering what earlier processes left. */
    readonly replays: TranscriptOutbox[],
    private readonly dirs: OutboxDirs,
  ) {}

  /** Claims this process's directory, adopts orphans and starts delivering from all of them. */
  static async open(dataDir: string, target: OutboxTarget, logger: OutboxLogger): Promise<ProcessOutboxes> {
    const dirs = await claimOutboxDirs(outboxRoot(dataDir));
    try {
      const own = new TranscriptOutbox({ dir: dirs.own, target, logger });
      const replays = dirs.adopted.map((dir) => new TranscriptOutbox({ dir, target, logger }));
      await Promise.all([own, ...replays].map((box) => box.start()));
      return new ProcessOutboxes(own, replays, dirs);
    } catch (err) {
      await dirs.release();
      throw err;
    }
  }

  /** Items on disk not yet delivered, in every outbox. */
  pending(): number {
    return this.all().reduce((sum, box) => sum + box.pending(), 0);
  }

  /** Delivers what it can within `timeoutMs`, then lets the directories go. Returns how many items stay on disk. */
  async close(timeoutMs = SHUTDOWN_FLUSH_MS): Promise<number> {
    const left = await Promise.all(this.all().map((box) => box.flush(timeoutMs)));
    await this.dirs.release();
    return left.reduce((a, b) => a + b, 0);
  }

  private all() {
    return [this.own, ...this.replays];
  }
}
