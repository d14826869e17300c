import { initializeLogger, isAgent, type JobContext } from '@livekit/agents';
import { randomUUID } from 'node:crypto';
import type { DispatchMetadata } from '../sessions/livekit-rooms';
import agent from './agent-entry';

/** The parts of a JobContext the entry touches before it joins the room. */
function fakeJob(metadata: string) {
  const calls: string[] = [];
  const ctx = {
    job: { id: 'AJ_entry', metadata, room: { name: 'session-x' } },
    shutdown: (reason: string) => void calls.push(`shutdown: ${reason}`),
    connect: async () => void calls.push('connect'),
    addShutdownCallback: () => void calls.push('shutdown callback'),
  };
  return { ctx: ctx as unknown as JobContext, calls };
}

describe('LiveKit job entry (before it joins a room)', () => {
  const saved = { ...process.env };
  beforeAll(() => initializeLogger({ pretty: false, level: 'silent' }));
  afterEach(() => (process.env = { ...saved }));

  it('is a LiveKit agent definition the job process can load', () => {
    expect(isAgent(agent)).toBe(true);
  });

  it('refuses a job with bad metadata and ends it without joining the room', async () => {
    const { ctx, calls } = fakeJob('{"sessionId":"not-a-uuid"}');

    await agent.entry(ctx);

    expect(calls).toEqual(['shutdown: invalid job metadata']);
  });

  it('ends the job without joining when the configuration is invalid, instead of crashing the job process', async () => {
    process.env['LIVEKIT_URL'] = 'wss://example.livekit.cloud'; // without key and secret: a configuration error
    const metadata = { sessionId: randomUUID(), conversationId: randomUUID(), userId: randomUUID() } satisfies DispatchMetadata;
    const { ctx, calls } = fakeJob(JSON.stringify(metadata));

    await agent.entry(ctx);

    expect(calls).toEqual(['shutdown: invalid configuration']);
  });
});
