import { MediaClient } from '@voice/testing/media-client';
import { eventually } from './users';

/** The question the call tests type: the offline agent answers it without a tool. */
export const QUESTION = 'What are your opening hours?';

/** One call over a session's WebSocket: the greeting, one typed question and its answer, hang-up. */
export async function typedCall(url: string): Promise<void> {
  const client = await MediaClient.connect(url);
  await client.waitFor('ready');
  client.send({ type: 'start' });
  await client.waitFor('transcript', (e) => e.role === 'agent' && e.final);
  client.send({ type: 'text', text: QUESTION });
  await client.next('transcript', (e) => e.role === 'agent' && e.final);
  client.send({ type: 'stop' });
  await eventually(() => expect(client.closed).toBeDefined());
}
