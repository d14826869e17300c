import type { AppendMessageRequest } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPersistenceApi, TEST_SERVICE_SECRET, type PersistenceProcess } from '../../test/persistence-process';
import { conversationOf, eventually, registerUser, type TestUser } from '../../test/users';
import { PersistenceClient } from '../persistence/persistence-client';
import { TranscriptOutbox, type OutboxLogger } from './transcript-outbox';

const FAST_RETRY = { baseMs: 20, maxMs: 200 };

function capturingLogger() {
  const lines: { level: 'log' | 'warn' | 'error'; msg: string }[] = [];
  const at = (level: 'log' | 'warn' | 'error') => (m: object) => void lines.push({ level, msg: String((m as { msg?: unknown }).msg) });
  const logger: OutboxLogger = { log: at('log'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const turn = (i: number, overrides: Partial<AppendMessageRequest> = {}): AppendMessageRequest => ({
  id: randomUUID(),
  role: i % 2 === 0 ? 'user' : 'agent',
  ...(i % 2 === 0 ? {} : { agent: 'receptionist' }),
  text: `turn ${i}`,
  ...overrides,
});

/** A persistence-api of this test's own, stopped and restarted on the same port and data directory. */
describe('transcript outbox against a real persistence-api that stops and restarts', () => {
  let persistence: PersistenceProcess;
  let user: TestUser;
  let client: PersistenceClient;
  let dir: string;
  const outboxes: TranscriptOutbox[] = [];

  const newOutbox = (logger?: OutboxLogger) => {
    const outbox = new TranscriptOutbox({ dir, target: client, retry: FAST_RETRY, logger });
    outboxes.push(outbox);
    return outbox;
  };
  const pendingFiles = () => readdirSync(join(dir, 'pending')).filter((n) => n.endsWith('.json'));

  beforeAll(async () => {
    persistence = await startPersistenceApi();
    user = await registerUser(persistence.url);
    client = new PersistenceClient({ baseUrl: persistence.url, clientId: 'voice-api', clientSecret: TEST_SERVICE_SECRET, timeoutMs: 2_000 });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-outbox-'));
  });
  afterEach(async () => {
    for (const outbox of outboxes.splice(0)) outbox.stop();
    await persistence.start();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await persistence?.stop();
    if (persistence) rmSync(persistence.dataDir, { recursive: true, force: true });
  });

  it('queues turns while persistence-api is down and delivers every one exactly once, in order, after it restarts', async () => {
    const { id } = await client.createConversation({ userId: user.userId });
    const { logger, lines } = capturingLogger();
    const outbox = newOutbox(logger);
    await outbox.start();
    const turns = Array.from({ length: 7 }, (_, i) => turn(i));

    await outbox.enqueueTurn(id, turns[0]);
    await eventually(() => expect(outbox.pending()).toBe(0));

    await persistence.stop();
    for (const t of turns.slice(1)) await outbox.enqueueTurn(id, t);
    await outbox.enqueueEnd(id);
    expect(outbox.pending()).toBe(7);
    expect(pendingFiles()).toHaveLength(7);
    await eventually(() =>
      expect(lines.filter((l) => l.level === 'warn' && /will retry the turn .* \(attempt 1\): persistence-api is unreachable/.test(l.msg))).toHaveLength(1),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.pending()).toBe(7);

    await persistence.start();
    await eventually(() => expect(outbox.pending()).toBe(0), 20_000);
    expect(pendingFiles()).toEqual([]);

    const { body } = await conversationOf(user, id, persistence.url);
    expect(body.messages.map((m) => [m.seq, m.id, m.text])).toEqual(turns.map((t, i) => [i + 1, t.id, t.text]));
    expect(body.status).toBe('ended');
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);

    // A replay (say, after a crash between delivery and deleting the file) is stored once.
    await outbox.enqueueTurn(id, turns[3]);
    await eventually(() => expect(outbox.pending()).toBe(0));
    expect((await conversationOf(user, id, persistence.url)).body.messages).toHaveLength(7);
  });

  it('keeps each conversation in order while several are written at once', async () => {
    const conversations = await Promise.all([1, 2, 3].map(() => client.createConversation({ userId: user.userId })));
    const outbox = newOutbox();
    await outbox.start();
    const sent = new Map(conversations.map((c) => [c.id, Array.from({ length: 6 }, (_, i) => turn(i))]));
    // Not awaited one by one: enqueue order alone must fix delivery order.
    await Promise.all(conversations.flatMap((c) => (sent.get(c.id) ?? []).map((t) => outbox.enqueueTurn(c.id, t))));
    await eventually(() => expect(outbox.pending()).toBe(0));
    for (const c of conversations) {
      const { body } = await conversationOf(user, c.id, persistence.url);
      expect(body.messages.map((m) => m.id)).toEqual(sent.get(c.id)?.map((t) => t.id));
    }
  });

  it('a fresh outbox over the same directory replays what a stopped one left on disk', async () => {
    const { id } = await client.createConversation({ userId: user.userId });
    await persistence.stop();
    const first = newOutbox();
    await first.start();
    const turns = [turn(0), turn(1), turn(2)];
    for (const t of turns) await first.enqueueTurn(id, t);
    await first.enqueueEnd(id, '2030-01-07T09:30:00.000Z');
    expect(await first.flush(300)).toBe(4);
    expect(pendingFiles()).toHaveLength(4);

    await persistence.start();
    const { logger, lines } = capturingLogger();
    const second = newOutbox(logger);
    await second.start();
    expect(lines).toContainEqual({ level: 'log', msg: 'transcript outbox: replaying 4 pending item(s) from an earlier run' });
    await eventually(() => expect(second.pending()).toBe(0), 20_000);
    expect(pendingFiles()).toEqual([]);
    const { body } = await conversationOf(user, id, persistence.url);
    expect(body.messages.map((m) => m.id)).toEqual(turns.map((t) => t.id));
    expect(body).toMatchObject({ status: 'ended', endedAt: '2030-01-07T09:30:00.000Z' });
    // The first outbox was stopped: it delivered nothing after flush gave up.
    expect(first.pending()).toBe(4);
  });

  it('moves what persistence-api refuses for good to the dead-letter file, with one error line, and goes on', async () => {
    const { id } = await client.createConversation({ userId: user.userId });
    const { logger, lines } = capturingLogger();
    const outbox = newOutbox(logger);
    await outbox.start();
    // Valid for the contract, refused by persistence-api (PostgreSQL cannot store NUL): 400.
    const refused = turn(1, { text: 'cut\u0000off' });
    const unknownConversation = randomUUID();
    const [before, after] = [turn(0), turn(2)];
    await outbox.enqueueTurn(id, before);
    await outbox.enqueueTurn(id, refused);
    await outbox.enqueueTurn(id, after);
    await outbox.enqueueTurn(unknownConversation, turn(3));
    await eventually(() => expect(outbox.pending()).toBe(0));

    const { body } = await conversationOf(user, id, persistence.url);
    expect(body.messages.map((m) => m.id)).toEqual([before.id, after.id]);
    expect(existsSync(outbox.deadLetterFile)).toBe(true);
    const dead = readFileSync(outbox.deadLetterFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: number; error: string; item: { conversationId: string; message: { id: string } } });
    // Conversations are delivered independently, so the two refusals may land in either order.
    dead.sort((a, b) => a.status - b.status);
    expect(dead.map((d) => [d.status, d.item.conversationId, d.item.message.id])).toEqual([
      [400, id, refused.id],
      [404, unknownConversation, expect.any(String)],
    ]);
    expect(dead[0].error).toMatch(/persistence-api answered 400 to POST \/v1\/conversations\/.+\/messages: .*NUL/);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors.some((e) => e.msg.includes(`gave up on the turn ${refused.id}`))).toBe(true);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
