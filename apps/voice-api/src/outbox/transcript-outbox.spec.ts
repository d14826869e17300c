import type { AppendMessageRequest } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersistenceError } from '../persistence/persistence-error';
import { backoffDelay } from './backoff';
import { itemFileName } from './outbox-item';
import { TranscriptOutbox, type OutboxTarget } from './transcript-outbox';

/** Records deliveries; fails each call with whatever `failWith` returns for it. */
class FakeTarget implements OutboxTarget {
  delivered: string[] = [];
  calls = 0;
  failWith: (key: string) => Error | undefined = () => undefined;

  async appendMessage(conversationId: string, message: AppendMessageRequest) {
    return this.attempt(`${conversationId}:${message.text}`);
  }
  async endConversation(conversationId: string) {
    return this.attempt(`${conversationId}:end`);
  }
  async recordCall(call: { providerCallId: string; conversationId?: string }, update?: { status?: string }) {
    return this.attempt(`${call.conversationId}:call ${call.providerCallId} ${update?.status ?? 'started'}`);
  }
  private attempt(key: string) {
    this.calls++;
    const error = this.failWith(key);
    if (error) throw error;
    this.delivered.push(key);
  }
}

const turn = (text: string): AppendMessageRequest => ({ id: randomUUID(), role: 'user', text });
const waitFor = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 2_000 };

  it('doubles per attempt, waits between half and all of the step, and never exceeds the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(6, policy, () => 1)).toBe(2_000);
    expect(backoffDelay(60, policy, () => 1)).toBe(2_000);
    expect(backoffDelay(60, policy, () => 0)).toBe(1_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(spread.size).toBeGreaterThan(10);
  });
});

describe('TranscriptOutbox (unit, fake target)', () => {
  let dir: string;
  const conversation = randomUUID();
  const outboxes: TranscriptOutbox[] = [];
  const make = (target: OutboxTarget, retry = { baseMs: 5, maxMs: 20 }) => {
    const outbox = new TranscriptOutbox({ dir, target, retry });
    outboxes.push(outbox);
    return outbox;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-unit-'));
  });
  afterEach(() => {
    for (const o of outboxes.splice(0)) o.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['unreachable', new PersistenceError('unreachable', 'down')],
    ['timeout', new PersistenceError('timeout', 'slow')],
    ['500', new PersistenceError('status', 'boom', 500)],
    ['503', new PersistenceError('status', 'busy', 503)],
    ['401 (credential trouble)', new PersistenceError('status', 'refused', 401)],
    ['403', new PersistenceError('status', 'scope', 403)],
    ['429', new PersistenceError('status', 'slow down', 429)],
    ['an unexpected error', new Error('bug')],
  ])('retries after %s until it is delivered', async (_, error) => {
    const target = new FakeTarget();
    let failures = 3;
    target.failWith = () => (failures-- > 0 ? error : undefined);
    const outbox = make(target);
    await outbox.start();
    await outbox.enqueueTurn(conversation, turn('hello'));
    await waitFor(() => outbox.pending() === 0);
    expect(target.calls).toBe(4);
    expect(target.delivered).toEqual([`${conversation}:hello`]);
  });

  it.each([400, 404, 409, 410, 413, 422])('dead-letters a %i at once and delivers the next item', async (status) => {
    const target = new FakeTarget();
    target.failWith = (key) => (key.endsWith(':bad') ? new PersistenceError('status', `refused ${status}`, status) : undefined);
    const outbox = make(target);
    await outbox.start();
    await outbox.enqueueTurn(conversation, turn('bad'));
    await outbox.enqueueTurn(conversation, turn('good'));
    await waitFor(() => outbox.pending() === 0);
    expect(target.delivered).toEqual([`${conversation}:good`]);
    expect(target.calls).toBe(2);
    const [entry] = readFileSync(outbox.deadLetterFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry).toMatchObject({ status, error: `refused ${status}`, item: { kind: 'turn', message: { text: 'bad' } } });
  });

  it('holds later items of a conversation behind one being retried, but not other conversations', async () => {
    const target = new FakeTarget();
    let blocked = true;
    target.failWith = (key) => (blocked && key.startsWith(conversation) ? new PersistenceError('unreachable', 'down') : undefined);
    const outbox = make(target);
    await outbox.start();
    const other = randomUUID();
    await outbox.enqueueTurn(conversation, turn('first'));
    await outbox.enqueueTurn(conversation, turn('second'));
    await outbox.enqueueTurn(other, turn('elsewhere'));
    await waitFor(() => outbox.pending() === 2);
    expect(target.delivered).toEqual([`${other}:elsewhere`]);
    blocked = false;
    await waitFor(() => outbox.pending() === 0);
    expect(target.delivered).toEqual([`${other}:elsewhere`, `${conversation}:first`, `${conversation}:second`]);
  });

  it('refuses a turn that breaks the contract, naming the field, and stores nothing', async () => {
    const outbox = make(new FakeTarget());
    await expect(outbox.enqueueTurn(conversation, turn(''))).rejects.toThrow(/refused a turn of conversation .*: text must not be empty/);
    expect(outbox.pending()).toBe(0);
  });

  it('on start, discards half-written files, moves unreadable ones to the dead-letter file, and numbers on after the highest', async () => {
    const pending = join(dir, 'pending');
    mkdirSync(pending, { recursive: true });
    const left = {
      seq: 41,
      kind: 'turn',
      conversationId: conversation,
      message: { ...turn('left over'), interrupted: false, latency: {} },
      enqueuedAt: new Date().toISOString(),
    };
    writeFileSync(join(pending, itemFileName(41)), JSON.stringify(left));
    writeFileSync(join(pending, `${itemFileName(42)}.tmp`), '{"seq":42,"kin');
    writeFileSync(join(pending, itemFileName(7)), 'not json');
    const target = new FakeTarget();
    target.failWith = () => new PersistenceError('unreachable', 'down');
    const outbox = make(target);
    await outbox.start();
    await outbox.enqueueTurn(conversation, turn('new'));
    expect(readdirSync(pending).sort()).toEqual([itemFileName(41), itemFileName(42)]);
    expect(outbox.pending()).toBe(2);
    expect(readFileSync(outbox.deadLetterFile, 'utf8')).toContain(itemFileName(7));

    target.failWith = () => undefined;
    await waitFor(() => outbox.pending() === 0);
    expect(target.delivered).toEqual([`${conversation}:left over`, `${conversation}:new`]);
  });

  it('flush retries at once what is waiting out a long backoff, then stops and leaves the rest on disk', async () => {
    const target = new FakeTarget();
    let down = true;
    target.failWith = (key) => (down || key.endsWith(':stuck') ? new PersistenceError('unreachable', 'down') : undefined);
    const outbox = make(target, { baseMs: 60_000, maxMs: 60_000 });
    await outbox.start();
    await outbox.enqueueTurn(conversation, turn('waiting'));
    await outbox.enqueueTurn(randomUUID(), turn('stuck'));
    await waitFor(() => target.calls === 2);
    down = false;
    expect(await outbox.flush(1_000)).toBe(1);
    expect(target.delivered).toEqual([`${conversation}:waiting`]);
    expect(readdirSync(join(dir, 'pending'))).toHaveLength(1);
    // Stopped: what is enqueued now is stored, not sent.
    await outbox.enqueueTurn(conversation, turn('after stop'));
    await new Promise((r) => setTimeout(r, 50));
    expect(target.delivered).toEqual([`${conversation}:waiting`]);
    expect(readdirSync(join(dir, 'pending'))).toHaveLength(2);
  });

  it('answers health checks that run at the same time, and leaves no probe behind', async () => {
    const outbox = make(new FakeTarget());
    await outbox.start();
    await expect(Promise.all(Array.from({ length: 8 }, () => outbox.checkWritable()))).resolves.toHaveLength(8);
    expect(readdirSync(join(dir, 'pending'))).toEqual([]);
  });

  it('rejects an enqueue it cannot store, naming the directory, and keeps nothing in memory', async () => {
    const outbox = make(new FakeTarget());
    await outbox.start();
    rmSync(join(dir, 'pending'), { recursive: true });
    writeFileSync(join(dir, 'pending'), 'a file where the directory was');
    await expect(outbox.enqueueTurn(conversation, turn('lost?'))).rejects.toThrow(/could not store the turn .* under .*pending/);
    expect(outbox.pending()).toBe(0);
    await expect(outbox.checkWritable()).rejects.toThrow();
  });
});
