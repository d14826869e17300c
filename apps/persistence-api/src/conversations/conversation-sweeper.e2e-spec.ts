import type { AppendMessageRequest, Conversation } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { serviceToken, startTestApp, type TestApp } from '../../test/test-app';
import { ConversationSweeper } from './conversation-sweeper';
import { ConversationEntity } from './entities/conversation.entity';

type Auth = { Authorization: string };
const MINUTE = 60_000;

// Runs on SQLite and on PostgreSQL (the postgres project), as every API test does.
describe('ending conversations left active (CONVERSATION_MAX_MINUTES)', () => {
  let t: TestApp;
  let service: Auth;
  beforeAll(async () => {
    t = await startTestApp({ CONVERSATION_MAX_MINUTES: '45' });
    service = await serviceToken(t);
  });
  afterAll(() => t.close());

  const create = async (): Promise<Conversation> =>
    (await t.http.post('/v1/conversations').set(service).send({ channel: 'phone', externalParty: '+14155550123' }).expect(201)).body;
  const say = (id: string, createdAt: Date) =>
    t.http
      .post(`/v1/conversations/${id}/messages`)
      .set(service)
      .send({ id: randomUUID(), role: 'user', text: 'hello', createdAt: createdAt.toISOString() } satisfies AppendMessageRequest)
      .expect(201);
  const row = (id: string) => t.db.getRepository(ConversationEntity).findOneByOrFail({ id });
  const startedAgo = (id: string, now: Date, minutes: number) =>
    t.db.getRepository(ConversationEntity).update({ id }, { startedAt: new Date(now.getTime() - minutes * MINUTE) });

  it('ends the overdue ones at their last message (or start), and leaves the rest alone, whoever sweeps and however often', async () => {
    // A "now" long past, so that the conversations of other tests sharing the PostgreSQL database are never overdue here.
    const now = new Date('2001-01-01T12:00:00.000Z');
    const [killedMidCall, silent, live, done] = [await create(), await create(), await create(), await create()];
    await startedAgo(killedMidCall.id, now, 50);
    const lastWords = new Date(now.getTime() - 48 * MINUTE);
    await say(killedMidCall.id, lastWords);
    await startedAgo(silent.id, now, 46);
    await startedAgo(live.id, now, 44);
    await startedAgo(done.id, now, 90);
    await t.http.post(`/v1/conversations/${done.id}/end`).set(service).send({}).expect(200);
    const doneBefore = await row(done.id);

    const sweeper = t.app.get(ConversationSweeper);
    const counts = await Promise.all([sweeper.sweep(now), sweeper.sweep(now)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await sweeper.sweep(now)).toBe(0);

    expect(await row(killedMidCall.id)).toMatchObject({ status: 'ended', endedAt: lastWords });
    const silentRow = await row(silent.id);
    expect(silentRow).toMatchObject({ status: 'ended', endedAt: silentRow.startedAt });
    expect(await row(live.id)).toMatchObject({ status: 'active', endedAt: null });
    expect(await row(done.id)).toEqual(doneBefore);
  });
});
