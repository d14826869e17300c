import { randomUUID } from 'node:crypto';
import type { DispatchMetadata } from '../sessions/livekit-rooms';
import { parseJobMetadata } from './job-metadata';

const AGENTS = ['receptionist', 'scheduler', 'billing'];

describe('parseJobMetadata', () => {
  const metadata = { sessionId: randomUUID(), conversationId: randomUUID(), userId: randomUUID() } satisfies DispatchMetadata;

  it('reads the metadata POST /v1/sessions dispatches with', () => {
    expect(parseJobMetadata(JSON.stringify(metadata), AGENTS)).toEqual({ ok: true, metadata });
  });

  it('reads the agent the conversation starts with, when given', () => {
    expect(parseJobMetadata(JSON.stringify({ ...metadata, agent: 'scheduler' }), AGENTS)).toEqual({ ok: true, metadata, agent: 'scheduler' });
  });

  it.each([
    ['missing', undefined, 'has no metadata'],
    ['empty', '', 'has no metadata'],
    ['not JSON', 'sessionId=1', 'is not JSON'],
    ['without a conversation', JSON.stringify({ sessionId: metadata.sessionId, userId: 'u1' }), 'conversationId'],
    ['with a session id that is no uuid', JSON.stringify({ ...metadata, sessionId: 'abc' }), 'sessionId'],
    ['naming an unknown agent', JSON.stringify({ ...metadata, agent: 'janitor' }), 'unknown agent'],
  ])('refuses metadata %s, saying why without repeating it', (_what, raw, why) => {
    const result = parseJobMetadata(raw, AGENTS);
    expect(result).toEqual({ ok: false, problem: expect.stringContaining(why) });
    if (!result.ok && raw) expect(result.problem).not.toContain(raw);
  });
});
