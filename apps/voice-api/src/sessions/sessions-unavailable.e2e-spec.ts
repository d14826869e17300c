import type { ConversationPage } from '@voice/contracts/persistence';
import { rmSync } from 'node:fs';
import { expectError } from '@voice/testing/api-errors';
import { startPersistenceApi, type PersistenceProcess } from '../../test/persistence-process';
import { conversationOf, eventually, registerUser } from '../../test/users';
import { logLines, startVoiceApi, type VoiceApi } from '../../test/voice-api';
import { SessionsService } from './sessions.service';

/** A persistence-api process of this test's own, so stopping it leaves the shared one alone. */
describe('starting a session while persistence-api is down', () => {
  let persistence: PersistenceProcess;
  let api: VoiceApi;

  beforeAll(async () => {
    persistence = await startPersistenceApi();
    api = await startVoiceApi({ PERSISTENCE_API_URL: persistence.url, MAX_SESSIONS_PER_USER: '1' });
  });
  afterAll(async () => {
    await api?.close();
    await persistence?.stop();
    if (persistence) rmSync(persistence.dataDir, { recursive: true, force: true });
  });

  it('answers 503 with a clear message, leaves no session or conversation behind, and recovers when persistence-api is back', async () => {
    const user = await registerUser(persistence.url);
    // A first session warms the key set and the service token, so only the conversation call can fail below.
    const first = await api.http.post('/v1/sessions').set(user.auth).send({}).expect(201);
    await api.http.delete(`/v1/sessions/${first.body.id}`).set(user.auth).expect(200);
    await eventually(async () => expect((await conversationOf(user, first.body.conversationId, persistence.url)).body.status).toBe('ended'));

    await persistence.stop();
    const refused = await api.http.post('/v1/sessions').set(user.auth).send({});
    expectError(refused, 503, 'service_unavailable', 'Cannot start a voice session: the conversation store is unavailable right now. Try again in a moment.');
    expect(await api.app.get(SessionsService).activeCount(user.userId)).toBe(0);
    const [warning] = logLines(api.logs, /cannot create the conversation/);
    expect(warning.msg).toMatch(/persistence-api is unreachable at http:\/\/127\.0\.0\.1:\d+ \(POST \/v1\/conversations\): ECONNREFUSED/);

    await persistence.start();
    // MAX_SESSIONS_PER_USER is 1: the failed attempt must not hold the slot.
    const second = await api.http.post('/v1/sessions').set(user.auth).send({}).expect(201);
    const page = (await (await fetch(`${persistence.url}/v1/conversations`, { headers: user.auth })).json()) as ConversationPage;
    expect(page.items.map((c) => c.id).sort()).toEqual([first.body.conversationId, second.body.conversationId].sort());
    await api.http.delete(`/v1/sessions/${second.body.id}`).set(user.auth).expect(200);
  });
});
