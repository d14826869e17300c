import type { AppendMessageRequest } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TranscriptOutbox, type OutboxTarget } from './transcript-outbox';
import { claimOutboxDirs, OWNER_FILE, STALE_MS } from './outbox-dirs';
import { deadPid } from '../../test/dead-pid';

const FAST_RETRY = { baseMs: 5, maxMs: 10 };

const unreachable: OutboxTarget = {
  appendMessage: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3001')),
  endConversation: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3001')),
  recordCall: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3001')),
};

function recording() {
  const delivered: { conversationId: string; message?: AppendMessageRequest; ended?: boolean }[] = [];
  const target: OutboxTarget = {
    appendMessage: async (conversationId, message) => void delivered.push({ conversationId, message }),
    endConversation: async (conversationId) => void delivered.push({ conversationId, ended: true }),
    recordCall: async () => undefined,
  };
  return { target, delivered };
}

const turn = (text: string) =>
  ({
    id: randomUUID(),
    role: 'agent',
    agent: 'receptionist',
    text,
    interrupted: false,
    latency: {},
    createdAt: new Date().toISOString(),
  }) satisfies AppendMessageRequest;

/** What a job process whose persistence-api is down leaves behind: its directory with items pending. */
async function leaveUndelivered(root: string, pid: number, host = 'this-host') {
  const dirs = await claimOutboxDirs(root, { pid, host, isAlive: () => true });
  const outbox = new TranscriptOutbox({ dir: dirs.own, target: unreachable, retry: FAST_RETRY });
  await outbox.start();
  const conversationId = randomUUID();
  const message = turn('Your appointment is booked for Tuesday at ten.');
  await outbox.enqueueTurn(conversationId, message);
  await outbox.enqueueEnd(conversationId);
  expect(await outbox.flush(50)).toBe(2);
  await dirs.release();
  return { dir: dirs.own, conversationId, message };
}

describe('outbox directories, one per process sharing DATA_DIR', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'outbox-livekit-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('gives every job process a fresh directory of its own, and removes it when it holds nothing', async () => {
    const a = await claimOutboxDirs(root, { pid: 101, host: 'this-host', isAlive: () => true });
    const b = await claimOutboxDirs(root, { pid: 101, host: 'this-host', isAlive: () => true });

    expect(a.own).not.toBe(b.own);
    expect(JSON.parse(readFileSync(join(a.own, OWNER_FILE), 'utf8'))).toEqual({ host: 'this-host', pid: 101 });
    await a.release();
    await b.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it('keeps a directory with pending items, and one with dead letters, when its job ends', async () => {
    const { dir } = await leaveUndelivered(root, 202);
    const other = await claimOutboxDirs(root, { pid: 203, host: 'this-host', isAlive: () => true });
    writeFileSync(join(other.own, 'dead-letter.jsonl'), '{}\n');
    await other.release();

    expect(readdirSync(root).sort()).toEqual([basename(dir), basename(other.own)].sort());
  });

  it('replays what a job process that died left pending: the next job adopts the directory and delivers it', async () => {
    const left = await leaveUndelivered(root, deadPid(), 'this-host');

    const next = await claimOutboxDirs(root, { host: 'this-host' });
    expect(next.adopted).toHaveLength(1);
    expect(readdirSync(root)).not.toContain(basename(left.dir));
    expect(JSON.parse(readFileSync(join(next.adopted[0], OWNER_FILE), 'utf8'))).toEqual({ host: 'this-host', pid: process.pid });
    const { target, delivered } = recording();
    const replay = new TranscriptOutbox({ dir: next.adopted[0], target, retry: FAST_RETRY });
    await replay.start();
    expect(await replay.flush(2_000)).toBe(0);
    await next.release();

    expect(delivered).toEqual([
      { conversationId: left.conversationId, message: left.message },
      { conversationId: left.conversationId, ended: true },
    ]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('leaves alone the directory of a job process that still runs', async () => {
    const left = await leaveUndelivered(root, process.pid, 'this-host');

    const next = await claimOutboxDirs(root, { host: 'this-host' });

    expect(next.adopted).toEqual([]);
    expect(readdirSync(root)).toContain(basename(left.dir));
  });

  it('adopts the directory of another host (another instance sharing DATA_DIR) only once its owner file has gone stale', async () => {
    const left = await leaveUndelivered(root, 404, 'other-instance');
    const fresh = await claimOutboxDirs(root, { host: 'this-host', isAlive: () => false });
    expect(fresh.adopted).toEqual([]);

    const past = new Date(Date.now() - STALE_MS - 1_000);
    utimesSync(join(left.dir, OWNER_FILE), past, past);
    const later = await claimOutboxDirs(root, { host: 'this-host', isAlive: () => false });

    expect(later.adopted).toHaveLength(1);
  });

  it('does not adopt an orphan with nothing pending, and leaves its dead letters for a person to read', async () => {
    const dead = await claimOutboxDirs(root, { pid: deadPid(), host: 'this-host' });
    writeFileSync(join(dead.own, 'dead-letter.jsonl'), '{}\n');

    const next = await claimOutboxDirs(root, { host: 'this-host' });

    expect(next.adopted).toEqual([]);
    expect(readdirSync(root)).toContain(basename(dead.own));
  });

  it('removes an empty orphan (a job process that died before it stored anything)', async () => {
    const dead = await claimOutboxDirs(root, { pid: deadPid(), host: 'this-host' });

    const next = await claimOutboxDirs(root, { host: 'this-host' });

    expect(next.adopted).toEqual([]);
    expect(readdirSync(root)).toEqual([basename(next.own)]);
    expect(readdirSync(root)).not.toContain(basename(dead.own));
  });
});
