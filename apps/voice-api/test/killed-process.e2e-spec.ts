import { CreateSessionResponse } from '@voice/contracts/voice';
import { MediaClient } from '@voice/testing/media-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationOf, eventually, registerUser, type TestUser } from './users';
import { startVoiceApiProcess, type VoiceApiProcess } from './voice-api-process';

jest.setTimeout(180_000);

/** voice-api killed with SIGKILL mid-call (no shutdown hooks), then started again on the same DATA_DIR, as App Service restarts a crashed instance. */
describe('voice-api killed mid-call, then restarted on the same DATA_DIR', () => {
  let dataDir: string;
  const running: VoiceApiProcess[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'voice-killed-'))));
  afterEach(async () => {
    for (const p of running.splice(0)) await p.proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async () => {
    const p = await startVoiceApiProcess(dataDir);
    running.push(p);
    return p;
  };

  async function call(api: VoiceApiProcess, user: TestUser) {
    const res = await fetch(`${api.url}/v1/sessions`, { method: 'POST', headers: { ...user.auth, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(201);
    const session = CreateSessionResponse.parse(await res.json());
    if (session.connection.type !== 'websocket') throw new Error('expected the websocket transport');
    const client = await MediaClient.connect(session.connection.url);
    await client.waitFor('ready');
    return { session, client };
  }

  it('ends the conversation it was carrying instead of leaving it active', async () => {
    const user = await registerUser();
    const first = await start();
    const { session } = await call(first, user);
    await first.kill();
    expect((await conversationOf(user, session.conversationId)).body.status).toBe('active');

    await start();
    await eventually(async () => {
      const { body } = await conversationOf(user, session.conversationId);
      expect(body.status).toBe('ended');
      expect(Date.parse(body.endedAt ?? '')).toBeLessThanOrEqual(Date.now());
    }, 20_000);
  });

  it("stores a caller's turn that was shown final, even when the process dies right after showing it", async () => {
    const user = await registerUser();
    const first = await start();
    const { session, client } = await call(first, user);
    const text = 'I would like to book an appointment';
    client.send({ type: 'text', text });
    await client.waitFor('transcript', (e) => e.role === 'user' && e.final);
    first.proc.kill(); // at once, in the same tick the final transcript arrived
    await first.proc.exited;

    await start();
    await eventually(async () => {
      const { body } = await conversationOf(user, session.conversationId);
      expect(body.messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual([text]);
    }, 20_000);
  });
});
