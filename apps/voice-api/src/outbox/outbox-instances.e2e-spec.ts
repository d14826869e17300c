import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SERVICE_SECRET } from '../../test/persistence-process';
import { conversationOf, eventually, persistenceUrl, registerUser } from '../../test/users';
import { startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { PersistenceClient } from '../persistence/persistence-client';
import { claimOutboxDirs, outboxRoot } from './outbox-dirs';
import { TranscriptOutbox } from './transcript-outbox';

/** A pid that certainly ran on this host and has exited. */
const deadPid = () => Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));

/** Instances of voice-api that share one DATA_DIR, as App Service instances share /home. */
describe('voice-api instances sharing DATA_DIR', () => {
  let dataDir: string;
  const apis: VoiceApi[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'voice-shared-data-'))));
  afterEach(async () => {
    for (const api of apis.splice(0)) await api.close({ keepDataDir: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async () => {
    const api = await startVoiceApi({ DATA_DIR: dataDir });
    apis.push(api);
    return api;
  };

  it('give each instance an outbox directory of its own', async () => {
    const [a, b] = [await start(), await start()];
    const [dirA, dirB] = [a.app.get(TranscriptOutbox).dir, b.app.get(TranscriptOutbox).dir];
    expect(dirA).not.toBe(dirB);
    for (const dir of [dirA, dirB]) expect(dir.startsWith(outboxRoot(dataDir))).toBe(true);
    await a.close({ keepDataDir: true });
    expect(existsSync(dirA)).toBe(false); // nothing left in it, so it is removed
    expect(existsSync(dirB)).toBe(true);
  });

  it('deliver, on the next start, what an instance that died left pending', async () => {
    const user = await registerUser();
    const client = new PersistenceClient({ baseUrl: persistenceUrl(), clientId: 'voice-api', clientSecret: TEST_SERVICE_SECRET, timeoutMs: 2_000 });
    const { id } = await client.createConversation({ userId: user.userId });

    // What a crashed instance leaves: its directory, items on disk, an owner that no longer runs.
    const dead = await claimOutboxDirs(outboxRoot(dataDir), { host: hostname(), pid: deadPid(), isAlive: () => true });
    const unreachable = new PersistenceClient({ baseUrl: 'http://127.0.0.1:9', clientId: 'voice-api', clientSecret: TEST_SERVICE_SECRET, timeoutMs: 200 });
    const left = new TranscriptOutbox({ dir: dead.own, target: unreachable, retry: { baseMs: 50, maxMs: 50 } });
    await left.start();
    const message = { id: randomUUID(), role: 'user' as const, text: 'book me in on tuesday' };
    await left.enqueueTurn(id, message);
    await left.enqueueEnd(id);
    expect(await left.flush(100)).toBe(2);
    await dead.release();

    const api = await start();
    expect(api.app.get(TranscriptOutbox).dir).not.toBe(dead.own);
    await eventually(async () => {
      const { body } = await conversationOf(user, id);
      expect(body.messages.map((m) => [m.id, m.text])).toEqual([[message.id, message.text]]);
      expect(body.status).toBe('ended');
    });
  });
});
