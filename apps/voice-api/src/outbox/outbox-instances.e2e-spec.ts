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
import { deadPid } from '../../test/dead-pid';

const UNREACHABLE = 'http://127.0.0.1:9';
const credential = { clientId: 'voice-api', clientSecret: TEST_SERVICE_SECRET };

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

  /** What a crashed instance leaves: its directory, a turn and an end on disk, an owner that no longer runs. */
  async function leftByDeadInstance(conversationId: string) {
    const dead = await claimOutboxDirs(outboxRoot(dataDir), { host: hostname(), pid: deadPid(), isAlive: () => true });
    const left = new TranscriptOutbox({ dir: dead.own, target: new PersistenceClient({ ...credential, baseUrl: UNREACHABLE, timeoutMs: 200 }) });
    await left.start();
    const message = { id: randomUUID(), role: 'user' as const, text: 'book me in on tuesday' };
    await left.enqueueTurn(conversationId, message);
    await left.enqueueEnd(conversationId);
    expect(await left.flush(100)).toBe(2);
    await dead.release();
    return { dir: dead.own, message };
  }

  it('deliver, on the next start, what an instance that died left pending', async () => {
    const user = await registerUser();
    const client = new PersistenceClient({ ...credential, baseUrl: persistenceUrl(), timeoutMs: 2_000 });
    const { id } = await client.createConversation({ userId: user.userId });
    const dead = await leftByDeadInstance(id);

    const api = await start();
    expect(api.app.get(TranscriptOutbox).dir).not.toBe(dead.dir);
    await eventually(async () => {
      const { body } = await conversationOf(user, id);
      expect(body.messages.map((m) => [m.id, m.text])).toEqual([[dead.message.id, dead.message.text]]);
      expect(body.status).toBe('ended');
    });
  });

  it('count the adopted backlog on /metrics while persistence-api cannot be reached', async () => {
    await leftByDeadInstance(randomUUID());
    const api = await startVoiceApi({ DATA_DIR: dataDir, PERSISTENCE_API_URL: UNREACHABLE });
    apis.push(api);
    const res = await api.http.get('/metrics').expect(200);
    expect(res.text).toMatch(/^voice_transcript_outbox_pending 2$/m);
  });
});
