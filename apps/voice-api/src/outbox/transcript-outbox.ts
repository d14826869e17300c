import { AppendMessageRequest, type CreateCallRequest, type UpdateCallRequest } from '@voice/contracts/persistence';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PersistenceError } from '../persistence/persistence-error';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { appendLineDurably, writeFileDurably } from './durable-files';
import { describeItem, ITEM_FILE, itemFileName, OpenConversation, openFileName, OutboxItem } from './outbox-item';

/** Where the outbox delivers: PersistenceClient in the app. */
export interface OutboxTarget {
  appendMessage(conversationId: string, message: AppendMessageRequest): Promise<unknown>;
  endConversation(conversationId: string, endedAt?: string): Promise<unknown>;
  /** Creates the call record (once: persistence-api keys it by provider call id), then applies `update`. */
  recordCall(call: CreateCallRequest, update?: UpdateCallRequest): Promise<unknown>;
}

export interface OutboxLogger {
  log(message: object): void;
  warn(message: object): void;
  error(message: object): void;
}

export interface OutboxOptions {
  /** The outbox's own directory (DATA_DIR/outbox): pending/ holds one file per item, dead-letter.jsonl the refused ones. */
  dir: string;
  target: OutboxTarget;
  logger?: OutboxLogger;
  retry?: RetryPolicy;
  random?: () => number;
}

/** Answers that will not change however often the item is retried: they go to the dead-letter file. */
const PERMANENT = new Set([400, 404, 409, 410, 413, 422]);
const isPermanent = (err: unknown) => err instanceof PersistenceError && err.kind === 'status' && PERMANENT.has(err.status ?? 0);
/** During an outage, one warning per item on the first failure, then one every this many attempts. */
const WARN_EVERY = 10;

interface Queued {
  item: OutboxItem;
  /** Settles when the item's file is on disk; delivery waits for it, so nothing is sent that could be lost. */
  stored: Promise<void>;
}

type Outcome = 'delivered' | 'dead' | 'retry';

const silent: OutboxLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The durable transcript outbox. Every finished turn and every conversation end is written to
 * disk (one fsynced JSON file per item under pending/) before delivery is attempted, so a slow or
 * restarting persistence-api delays a transcript but never loses it.
 *
 * - Delivery is in enqueue order per conversation (conversations proceed independently).
 * - Network errors, timeouts, 5xx, 401/403 (credential trouble) and 429 are retried with capped,
 *   jittered exponential backoff, without limit: the item stays on disk until it is delivered.
 * - A permanent refusal (400, 404, 409, 410, 413, 422) moves the item to dead-letter.jsonl with
 *   one error log line; later items of that conversation go on.
 * - Files of delivered items are deleted, so the directory holds exactly what is pending (no
 *   compaction needed); pending items are replayed by start() after a restart.
 * - Replays are harmless: persistence-api stores a message id once and ending is idempotent.
 *
 * - Conversations whose sessions are live are marked in open/ (openConversation) until their end is
 *   queued; a marker found at load time was left by a process that died mid-call, so its
 *   conversation's end is queued then (after its pending turns), and it does not stay active.
 *
 * One process per directory: two instances sharing DATA_DIR would deliver each other's items.
 */
export class TranscriptOutbox {
  readonly dir: string;
  readonly pendingDir: string;
  readonly deadLetterFile: string;
  readonly openDir: string;
  private readonly queues = new Map<string, Queued[]>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly sleeping = new Set<() => void>();
  private readonly changed = new Set<() => void>();
  private readonly retry: RetryPolicy;
  private readonly logger: OutboxLogger;
  private nextSeq = 1;
  private loading?: Promise<void>;
  private state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(private readonly options: OutboxOptions) {
    this.dir = options.dir;
    this.pendingDir = join(options.dir, 'pending');
    this.deadLetterFile = join(options.dir, 'dead-letter.jsonl');
    this.openDir = join(options.dir, 'open');
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? silent;
  }

  /** Loads what an earlier process left pending and starts delivering. */
  async start(): Promise<void> {
    await this.loaded();
    if (this.state !== 'idle') return;
    this.state = 'running';
    for (const conversationId of this.queues.keys()) this.kick(conversationId);
  }

  /**
   * Resolves once the turn is on disk; rejects when it breaks the contract (it could never be
   * delivered). Fills in createdAt (now) so that a late delivery keeps the turn's real time.
   */
  enqueueTurn(conversationId: string, message: AppendMessageRequest): Promise<void> {
    const enqueuedAt = new Date().toISOString();
    const parsed = AppendMessageRequest.safeParse({ ...message, createdAt: message.createdAt ?? enqueuedAt });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'} ${i.message}`).join('; ');
      return Promise.reject(new Error(`transcript outbox refused a turn of conversation ${conversationId}: ${problems}`));
    }
    return this.enqueue({ seq: 0, kind: 'turn', conversationId, message: parsed.data, enqueuedAt });
  }

  /** Queues a phone call's record (and, with `update`, how it ended), in order with its conversation's turns. Resolves once on disk. */
  enqueueCall(
    conversationId: string,
    call: Extract<OutboxItem, { kind: 'call' }>['call'],
    update?: Extract<OutboxItem, { kind: 'call' }>['update'],
  ): Promise<void> {
    return this.enqueue({ seq: 0, kind: 'call', conversationId, call, update, enqueuedAt: new Date().toISOString() });
  }

  /** Queues the conversation's end; once that is on disk, the conversation is no longer marked open. */
  async enqueueEnd(conversationId: string, endedAt?: string): Promise<void> {
    const enqueuedAt = new Date().toISOString();
    await this.enqueue({ seq: 0, kind: 'end', conversationId, endedAt: endedAt ?? enqueuedAt, enqueuedAt });
    await unlink(join(this.openDir, openFileName(conversationId))).catch(() => undefined);
  }

  /**
   * Marks a conversation open (its session started here) until enqueueEnd: should this process die
   * first, the next one to adopt the directory ends it, at `deadline` at the latest. Resolves once on disk.
   */
  async openConversation(conversationId: string, deadline: string): Promise<void> {
    await this.loaded();
    const marker = OpenConversation.parse({ conversationId, deadline });
    try {
      await writeFileDurably(this.openDir, openFileName(conversationId), JSON.stringify(marker));
    } catch (err) {
      throw new Error(`transcript outbox could not mark conversation ${conversationId} open under ${this.openDir}: ${(err as Error).message}`);
    }
  }

  /** Items not yet delivered or dead-lettered (on disk, or being written). */
  pending(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  /**
   * For shutdown: retries at once whatever is waiting, delivers what it can within `timeoutMs`,
   * then stops; the rest stays on disk for the next start. Resolves with the number left.
   */
  async flush(timeoutMs: number): Promise<number> {
    await this.loading?.catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    this.wake();
    while (this.pending() > 0 && this.state === 'running' && Date.now() < deadline) {
      await this.nextChange(deadline - Date.now());
    }
    this.stop();
    const left = this.pending();
    if (left > 0) this.logger.warn({ msg: `transcript outbox stopped with ${left} item(s) pending; they are delivered after the next start`, pending: left });
    return left;
  }

  /** Stops delivering now; items stay on disk. */
  stop() {
    this.state = 'stopped';
    this.wake();
  }

  private probes = 0;

  /** Throws when the outbox cannot write its directory (the health check). */
  async checkWritable(): Promise<void> {
    await this.loaded(); // creates the directory, so a check before start() is fair
    // One name per check: two health checks at once would otherwise unlink each other's file.
    const probe = join(this.pendingDir, `.probe-${process.pid}-${++this.probes}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  }

  /** Reads the pending directory once; every enqueue waits for it, so sequence numbers never collide. */
  private loaded(): Promise<void> {
    this.loading ??= this.load().catch((err: unknown) => {
      throw new Error(`transcript outbox cannot use ${this.options.dir} (DATA_DIR must be a writable directory): ${(err as Error).message}`);
    });
    return this.loading;
  }

  private async load() {
    await mkdir(this.pendingDir, { recursive: true, mode: 0o700 });
    await mkdir(this.openDir, { recursive: true, mode: 0o700 });
    const names = (await readdir(this.pendingDir)).sort();
    let loaded = 0;
    for (const name of names) {
      const file = join(this.pendingDir, name);
      if (name.endsWith('.tmp')) {
        await unlink(file); // a write that never completed, so never acknowledged
        continue;
      }
      if (!ITEM_FILE.test(name)) continue;
      const raw = await readFile(file, 'utf8');
      const parsed = OutboxItem.safeParse(safeJson(raw));
      if (!parsed.success) {
        await appendLineDurably(this.deadLetterFile, JSON.stringify({ deadAt: new Date().toISOString(), file: name, error: 'unreadable outbox file', raw }));
        await unlink(file);
        this.logger.error({ msg: `transcript outbox: unreadable file ${name} moved to the dead-letter file`, deadLetterFile: this.deadLetterFile });
        continue;
      }
      const item = parsed.data;
      this.nextSeq = Math.max(this.nextSeq, item.seq + 1);
      this.queueOf(item.conversationId).push({ item, stored: Promise.resolve() });
      loaded++;
    }
    if (loaded) this.logger.log({ msg: `transcript outbox: replaying ${loaded} pending item(s) from an earlier run`, pending: loaded });
    await this.endLeftOpen();
  }

  /** Queues the end of every conversation a process that died left open (see openConversation). */
  private async endLeftOpen() {
    let ended = 0;
    for (const name of (await readdir(this.openDir)).sort()) {
      const file = join(this.openDir, name);
      if (name.endsWith('.tmp')) {
        await unlink(file);
        continue;
      }
      const marker = OpenConversation.safeParse(safeJson(await readFile(file, 'utf8').catch(() => '')));
      if (marker.success) {
        const now = new Date().toISOString();
        const endedAt = marker.data.deadline < now ? marker.data.deadline : now;
        const item: OutboxItem = { seq: this.nextSeq++, kind: 'end', conversationId: marker.data.conversationId, endedAt, enqueuedAt: now };
        await writeFileDurably(this.pendingDir, itemFileName(item.seq), JSON.stringify(item));
        this.queueOf(item.conversationId).push({ item, stored: Promise.resolve() });
        ended++;
      } else {
        this.logger.error({ msg: `transcript outbox: unreadable open-conversation marker ${name} removed`, dir: this.openDir });
      }
      await unlink(file);
    }
    if (ended) this.logger.warn({ msg: `transcript outbox: ending ${ended} conversation(s) an earlier process left open (it stopped mid-call)`, ended });
  }

  private enqueue(draft: OutboxItem): Promise<void> {
    // Callbacks on one promise run in registration order, so items keep the order of the calls.
    return this.loaded().then(() => {
      const item = { ...draft, seq: this.nextSeq++ };
      const entry: Queued = { item, stored: writeFileDurably(this.pendingDir, itemFileName(item.seq), JSON.stringify(item)) };
      // Queued before the write finishes, so that a quick second turn cannot overtake the first.
      this.queueOf(item.conversationId).push(entry);
      entry.stored.then(
        () => this.kick(item.conversationId),
        () => this.discard(entry),
      );
      return entry.stored.catch((err: unknown) => {
        throw new Error(`transcript outbox could not store the ${describeItem(item)} under ${this.pendingDir}: ${(err as Error).message}`);
      });
    });
  }

  private queueOf(conversationId: string): Queued[] {
    let queue = this.queues.get(conversationId);
    if (!queue) this.queues.set(conversationId, (queue = []));
    return queue;
  }

  private discard(entry: Queued) {
    const queue = this.queues.get(entry.item.conversationId);
    const at = queue?.indexOf(entry) ?? -1;
    if (queue && at >= 0) queue.splice(at, 1);
    if (queue?.length === 0 && !this.running.has(entry.item.conversationId)) this.queues.delete(entry.item.conversationId);
    this.notify();
  }

  private kick(conversationId: string) {
    if (this.state !== 'running' || this.running.has(conversationId)) return;
    const loop = this.drain(conversationId)
      .catch((err: unknown) => this.logger.error({ msg: `transcript outbox worker failed: ${(err as Error).message}`, conversationId }))
      .finally(() => {
        this.running.delete(conversationId);
        this.notify();
        if (this.queues.get(conversationId)?.length) this.kick(conversationId);
      });
    this.running.set(conversationId, loop);
  }

  private async drain(conversationId: string) {
    let attempt = 0;
    while (this.state === 'running') {
      const queue = this.queues.get(conversationId);
      const head = queue?.[0];
      if (!queue || !head) {
        this.queues.delete(conversationId);
        return;
      }
      try {
        await head.stored;
      } catch {
        continue; // discard() took it out of the queue; the enqueue caller got the error
      }
      attempt++;
      const outcome = await this.deliver(head.item, attempt);
      if (outcome === 'retry') {
        await this.sleep(backoffDelay(attempt, this.retry, this.options.random));
        continue;
      }
      // The file goes before the queue entry, so pending() never reports an item done while its file is still on disk.
      await unlink(join(this.pendingDir, itemFileName(head.item.seq))).catch(() => undefined);
      queue.shift();
      attempt = 0;
      this.notify();
    }
  }

  private async deliver(item: OutboxItem, attempt: number): Promise<Outcome> {
    const { target } = this.options;
    try {
      if (item.kind === 'turn') await target.appendMessage(item.conversationId, item.message);
      else if (item.kind === 'call')
        await target.recordCall({ ...item.call, conversationId: item.conversationId }, item.update as UpdateCallRequest | undefined);
      else await target.endConversation(item.conversationId, item.endedAt);
      if (attempt > 1) this.logger.log({ msg: `transcript outbox delivered the ${describeItem(item)} after ${attempt} attempts` });
      return 'delivered';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PersistenceError && err.kind === 'contract') {
        // Stored (2xx), only the answer was odd: retrying would not change anything.
        this.logger.warn({ msg: `transcript outbox: ${message}`, seq: item.seq });
        return 'delivered';
      }
      if (isPermanent(err)) return this.deadLetter(item, err as PersistenceError);
      if (attempt === 1 || attempt % WARN_EVERY === 0) {
        this.logger.warn({ msg: `transcript outbox will retry the ${describeItem(item)} (attempt ${attempt}): ${message}`, pending: this.pending() });
      }
      return 'retry';
    }
  }

  private async deadLetter(item: OutboxItem, err: PersistenceError): Promise<Outcome> {
    const entry = { deadAt: new Date().toISOString(), status: err.status, error: err.message, item };
    try {
      await appendLineDurably(this.deadLetterFile, JSON.stringify(entry));
    } catch (writeError) {
      this.logger.error({
        msg: `transcript outbox cannot write ${this.deadLetterFile} (${(writeError as Error).message}); keeping the ${describeItem(item)} pending`,
      });
      return 'retry';
    }
    this.logger.error({
      msg: `transcript outbox gave up on the ${describeItem(item)}: ${err.message}; kept in ${this.deadLetterFile}`,
      status: err.status,
      seq: item.seq,
    });
    return 'dead';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleeping.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleeping.add(done);
    });
  }

  /** Ends every backoff wait now. */
  private wake() {
    for (const done of [...this.sleeping]) done();
  }

  private notify() {
    for (const listener of [...this.changed]) listener();
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changed.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.changed.add(done);
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
