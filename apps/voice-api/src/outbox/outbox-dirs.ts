import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Outbox directories, one per process. A TranscriptOutbox needs exactly one process per directory,
 * yet several processes share DATA_DIR: App Service instances scaled out share /home, and the
 * LiveKit agents framework runs every job in a child process of its own (1.9.0 has no in-process
 * executor). So each voice-api process and each job process makes a fresh directory under the
 * outbox root, named uniquely, with an owner file it touches while it lives:
 *
 * - nobody else ever writes there while the owner lives, so one process per directory holds;
 * - a directory left with pending items by a process that died (or ran out of time to deliver)
 *   is an orphan once its owner is gone: same host and the pid no longer runs, or its owner file
 *   went untouched for STALE_MS (other hosts, e.g. App Service instances sharing /home);
 * - the next process to start, on any instance sharing DATA_DIR, adopts orphans with pending items:
 *   it renames each one to a name of its own (rename is atomic, so one adopter wins) and replays it
 *   with an outbox of its own; empty orphans it removes, orphans holding only dead letters it leaves be.
 *   Should two adopters ever race past that, the cost is a duplicate delivery, which
 *   persistence-api ignores (it stores a message id once; ending is idempotent).
 */
export const OWNER_FILE = 'owner.json';

/** Where every voice-api process and LiveKit job keeps its outbox directory. */
export const outboxRoot = (dataDir: string) => resolve(dataDir, 'outbox');
const HEARTBEAT_MS = 60_000;
export const STALE_MS = 5 * HEARTBEAT_MS;

interface Owner {
  host: string;
  pid: number;
}

export interface OutboxDirsOptions {
  host?: string;
  pid?: number;
  /** Whether a process of this host runs (process.kill(pid, 0) by default). */
  isAlive?: (pid: number) => boolean;
  now?: () => number;
}

export interface OutboxDirs {
  /** This process's own fresh directory. */
  own: string;
  /** Orphans adopted, each now under a name of this process. */
  adopted: string[];
  /** Stops the heartbeat; removes the directories that hold nothing any more. */
  release(): Promise<void>;
}

/** Claims a fresh outbox directory under `root` for this process and adopts the orphans there. */
export async function claimOutboxDirs(root: string, options: OutboxDirsOptions = {}): Promise<OutboxDirs> {
  const me: Owner = { host: options.host ?? hostname(), pid: options.pid ?? process.pid };
  const isAlive = options.isAlive ?? processAlive;
  const now = options.now ?? Date.now;
  await mkdir(root, { recursive: true, mode: 0o700 });
  const prefix = `${safeName(me.host)}-${me.pid}-`;
  const own = join(root, `${prefix}${randomUUID().slice(0, 8)}`);
  await mkdir(own, { mode: 0o700 });
  await writeOwner(own, me);

  const adopted: string[] = [];
  for (const name of await readdir(root)) {
    const dir = join(root, name);
    if (dir === own || !(await ownerGone(dir, me.host, isAlive, now))) continue;
    if (!(await hasPending(dir))) {
      if (await holdsNothing(dir)) await rm(dir, { recursive: true, force: true }); // left by a job that crashed early
      continue;
    }
    const mine = join(root, `${prefix}${randomUUID().slice(0, 8)}`);
    try {
      await rename(dir, mine);
    } catch {
      continue; // somebody else adopted it first
    }
    await writeOwner(mine, me);
    adopted.push(mine);
  }

  const dirs = [own, ...adopted];
  const heartbeat = setInterval(() => {
    const at = new Date(now());
    for (const dir of dirs) void utimes(join(dir, OWNER_FILE), at, at).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    own,
    adopted,
    async release() {
      clearInterval(heartbeat);
      for (const dir of dirs) if (await holdsNothing(dir)) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ownerGone(dir: string, host: string, isAlive: (pid: number) => boolean, now: () => number): Promise<boolean> {
  let owner: unknown;
  let touchedAt: number;
  try {
    owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8'));
    touchedAt = (await stat(join(dir, OWNER_FILE))).mtimeMs;
  } catch {
    return false; // not an outbox directory, or one still being created
  }
  return (isOwner(owner) && owner.host === host && !isAlive(owner.pid)) || now() - touchedAt > STALE_MS;
}

const isOwner = (value: unknown): value is Owner =>
  typeof value === 'object' && value !== null && typeof (value as Owner).host === 'string' && Number.isInteger((value as Owner).pid);

/** Items to deliver, or conversations left open (whose ends the adopter queues). */
async function hasPending(dir: string): Promise<boolean> {
  for (const sub of ['pending', 'open']) {
    try {
      if ((await readdir(join(dir, sub))).some((name) => name.endsWith('.json'))) return true;
    } catch {
      // no such directory
    }
  }
  return false;
}

/** Nothing pending and no dead letters (those stay for a person to read). */
async function holdsNothing(dir: string): Promise<boolean> {
  if (await hasPending(dir)) return false;
  try {
    await stat(join(dir, 'dead-letter.jsonl'));
    return false;
  } catch {
    return true;
  }
}

async function writeOwner(dir: string, owner: Owner) {
  await writeFile(join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const safeName = (value: string) => value.replace(/[^A-Za-z0-9.-]/g, '_');
