import type {
  AppendMessageRequest,
  Conversation,
  ConversationDetail,
  ConversationPage,
  CreateConversationRequest,
  EndConversationRequest,
  ListConversationsQuery,
  Message,
} from '@voice/contracts/persistence';
import { ConversationDetail as DetailContract, ConversationPage as PageContract } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { registerUser, serviceToken, startTestApp, type TestApp } from '../../test/test-app';
import { expectError, expectValidation } from '@voice/testing/api-errors';
import { ConversationEntity } from './entities/conversation.entity';
import { MessageEntity } from './entities/message.entity';

type Auth = { Authorization: string };

describe('conversations and messages', () => {
  let t: TestApp;
  let service: Auth;

  beforeAll(async () => {
    t = await startTestApp();
    service = await serviceToken(t);
  });
  afterAll(() => t.close());

  const conversationsRepo = () => t.db.getRepository(ConversationEntity);
  const messagesRepo = () => t.db.getRepository(MessageEntity);

  async function create(auth: Auth, input: CreateConversationRequest = { channel: 'web' }): Promise<Conversation> {
    const res = await t.http.post('/v1/conversations').set(auth).send(input);
    expect(res.status).toBe(201);
    return res.body as Conversation;
  }

  async function append(auth: Auth, conversationId: string, input: Partial<AppendMessageRequest> = {}): Promise<Message> {
    const body = { id: randomUUID(), role: 'user', text: 'hello there', ...input } satisfies AppendMessageRequest;
    const res = await t.http.post(`/v1/conversations/${conversationId}/messages`).set(auth).send(body);
    expect(res.status).toBe(201);
    return res.body as Message;
  }

  /** Query values as they travel in the URL; the keys are the contract's. */
  type ListQuery = Partial<Record<keyof ListConversationsQuery, string | number>>;
  const list = (auth: Auth, q: ListQuery = {}) => t.http.get('/v1/conversations').set(auth).query(q);

  const setStartedAt = (id: string, startedAt: Date) => conversationsRepo().update({ id }, { startedAt });

  /** Lists every page with the given page size; returns the pages' ids. */
  async function allPages(auth: Auth, limit: number, q: ListQuery = {}) {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await list(auth, { ...q, limit, ...(cursor ? { cursor } : {}) }).expect(200);
      const page = res.body as ConversationPage;
      pages.push(page.items.map((c) => c.id));
      cursor = page.nextCursor;
      if (pages.length > 20) throw new Error('pagination does not terminate');
    } while (cursor);
    return pages;
  }

  describe('create', () => {
    it('creates a conversation owned by the signed-in user', async () => {
      const { auth, session } = await registerUser(t);
      const before = Date.now();
      const res = await t.http
        .post('/v1/conversations')
        .set(auth)
        .send({ channel: 'web', title: '  Booking a check-up  ' } satisfies CreateConversationRequest)
        .expect(201);
      const body = res.body as Conversation;
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId: session.user.id,
        externalParty: null,
        channel: 'web',
        agent: 'receptionist',
        title: 'Booking a check-up',
        status: 'active',
        startedAt: expect.any(String),
        endedAt: null,
        lastMessageAt: null,
        messageCount: 0,
      } satisfies Conversation);
      expect(Date.parse(body.startedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(body.startedAt)).toBeLessThanOrEqual(Date.now() + 1000);

      const row = await conversationsRepo().findOneByOrFail({ id: body.id });
      expect(row).toMatchObject({ userId: session.user.id, status: 'active', messageCount: 0, title: 'Booking a check-up' });
      const got = await t.http.get(`/v1/conversations/${body.id}`).set(auth).expect(200);
      expect(got.body).toEqual({ ...body, messages: [] } satisfies ConversationDetail);
    });

    it('keeps a client-chosen id and refuses to reuse it with 409', async () => {
      const { auth } = await registerUser(t);
      const other = await registerUser(t);
      const id = randomUUID();
      const first = await create(auth, { id, channel: 'web', agent: 'scheduler' });
      expect(first).toMatchObject({ id, agent: 'scheduler' });

      const again = await t.http
        .post('/v1/conversations')
        .set(auth)
        .send({ id, channel: 'phone' } satisfies CreateConversationRequest);
      expectError(again, 409, 'conflict');
      const byOther = await t.http
        .post('/v1/conversations')
        .set(other.auth)
        .send({ id, channel: 'web' } satisfies CreateConversationRequest);
      expectError(byOther, 409, 'conflict');
      const row = await conversationsRepo().findOneByOrFail({ id });
      expect(row.channel).toBe('web');
    });

    it('does not let a user name the owner', async () => {
      const { auth, session } = await registerUser(t);
      const other = await registerUser(t);
      const withUserId = await t.http
        .post('/v1/conversations')
        .set(auth)
        .send({ channel: 'web', userId: other.session.user.id } satisfies CreateConversationRequest);
      expectValidation(withUserId, 'body.userId');
      const withParty = await t.http
        .post('/v1/conversations')
        .set(auth)
        .send({ channel: 'phone', externalParty: '+14155550123' } satisfies CreateConversationRequest);
      expectValidation(withParty, 'body.externalParty');
      expect(await conversationsRepo().countBy({ userId: other.session.user.id })).toBe(0);
      expect(await conversationsRepo().countBy({ userId: session.user.id })).toBe(0);
    });

    it('validates the body', async () => {
      const { auth } = await registerUser(t);
      expectValidation(await t.http.post('/v1/conversations').set(auth).send({}), 'body.channel');
      expectValidation(await t.http.post('/v1/conversations').set(auth).send({ channel: 'fax' }), 'body.channel');
      expectValidation(await t.http.post('/v1/conversations').set(auth).send({ channel: 'web', agent: 'Bad Agent' }), 'body.agent');
      expectValidation(await t.http.post('/v1/conversations').set(auth).send({ channel: 'web', id: 'not-a-uuid' }), 'body.id');
      expectValidation(
        await t.http
          .post('/v1/conversations')
          .set(auth)
          .send({ channel: 'web', title: 'x'.repeat(201) }),
        'body.title',
      );
      const unknown = await t.http.post('/v1/conversations').set(auth).send({ channel: 'web', colour: 'blue' });
      expectValidation(unknown, 'body', /colour/);
    });

    it('lets a service create for an existing user or an external party', async () => {
      const { auth, session } = await registerUser(t);
      const forUser = await t.http
        .post('/v1/conversations')
        .set(service)
        .send({ channel: 'web', userId: session.user.id, agent: 'receptionist' } satisfies CreateConversationRequest)
        .expect(201);
      expect(forUser.body).toMatchObject({ userId: session.user.id, externalParty: null, status: 'active', messageCount: 0 });
      const mine = await list(auth).expect(200);
      expect((mine.body as ConversationPage).items.map((c) => c.id)).toEqual([forUser.body.id]);

      const forCaller = await t.http
        .post('/v1/conversations')
        .set(service)
        .send({ channel: 'phone', externalParty: '+14155550123' } satisfies CreateConversationRequest)
        .expect(201);
      expect(forCaller.body).toMatchObject({ userId: null, externalParty: '+14155550123', channel: 'phone', status: 'active' });
      const stored = await conversationsRepo().findOneByOrFail({ id: forCaller.body.id });
      expect(stored).toMatchObject({ userId: null, externalParty: '+14155550123' });
    });

    it('makes a service name an owner that exists', async () => {
      const neither = await t.http
        .post('/v1/conversations')
        .set(service)
        .send({ channel: 'phone' } satisfies CreateConversationRequest);
      expectValidation(neither, 'body.userId');
      const ghost = randomUUID();
      const unknownUser = await t.http
        .post('/v1/conversations')
        .set(service)
        .send({ channel: 'web', userId: ghost } satisfies CreateConversationRequest);
      expectValidation(unknownUser, 'body.userId', /no user/);
      expect(await conversationsRepo().countBy({ userId: ghost })).toBe(0);
    });

    it('treats a UUID written in capitals as the same id on both databases', async () => {
      const { auth, session } = await registerUser(t);
      const id = randomUUID();
      const created = await create(auth, { id: id.toUpperCase(), channel: 'web' });
      expect(created.id).toBe(id);
      await t.http.get(`/v1/conversations/${id}`).set(auth).expect(200);
      await t.http.get(`/v1/conversations/${id.toUpperCase()}`).set(auth).expect(200);
      expectError(
        await t.http
          .post('/v1/conversations')
          .set(auth)
          .send({ id, channel: 'web' } satisfies CreateConversationRequest),
        409,
        'conflict',
      );

      const messageId = randomUUID();
      const first = await append(auth, id.toUpperCase(), { id: messageId.toUpperCase() });
      expect(first).toMatchObject({ id: messageId, conversationId: id, seq: 1 });
      const retried = await t.http
        .post(`/v1/conversations/${id}/messages`)
        .set(auth)
        .send({ id: messageId, role: 'user', text: 'hello there' } satisfies AppendMessageRequest)
        .expect(200);
      expect(retried.body).toEqual(first);
      expect(await messagesRepo().countBy({ conversationId: id })).toBe(1);

      const forUser = await create(service, { channel: 'web', userId: session.user.id.toUpperCase() });
      expect(forUser.userId).toBe(session.user.id);
      await t.http.post(`/v1/conversations/${id.toUpperCase()}/end`).set(auth).send({}).expect(200);
      await t.http.delete(`/v1/conversations/${id.toUpperCase()}`).set(auth).expect(204);
      expect(await conversationsRepo().existsBy({ id })).toBe(false);
    });

    it('refuses NUL characters with 400 on both databases', async () => {
      const { auth, session } = await registerUser(t);
      const res = await t.http
        .post('/v1/conversations')
        .set(auth)
        .send({ channel: 'web', title: 'a\u0000b' } satisfies CreateConversationRequest);
      expectValidation(res, 'body.title', /NUL/);
      expect(await conversationsRepo().countBy({ userId: session.user.id })).toBe(0);
      const party = await t.http
        .post('/v1/conversations')
        .set(service)
        .send({ channel: 'phone', externalParty: '+1415\u00005550123' } satisfies CreateConversationRequest);
      expectValidation(party, 'body.externalParty', /NUL/);
      expectValidation(await list(auth, { q: 'a\u0000b' }), 'query.q', /NUL/);
    });

    it('requires a token with the conversations:write scope', async () => {
      const noToken = await t.http.post('/v1/conversations').send({ channel: 'web' } satisfies CreateConversationRequest);
      expectError(noToken, 401, 'unauthorized');
      const readOnly = await serviceToken(t, 'clinic:read');
      const res = await t.http
        .post('/v1/conversations')
        .set(readOnly)
        .send({ channel: 'phone', externalParty: '+14155550199' } satisfies CreateConversationRequest);
      expectError(res, 403, 'forbidden');
      expect(await conversationsRepo().countBy({ externalParty: '+14155550199' })).toBe(0);
    });
  });

  describe('list', () => {
    it("returns only the caller's conversations, newest first", async () => {
      const alice = await registerUser(t);
      const bob = await registerUser(t);
      const a1 = await create(alice.auth);
      const a2 = await create(alice.auth);
      const a3 = await create(alice.auth);
      const b1 = await create(bob.auth);
      await setStartedAt(a1.id, new Date('2024-03-01T10:00:00.000Z'));
      await setStartedAt(a2.id, new Date('2024-01-01T10:00:00.000Z'));
      await setStartedAt(a3.id, new Date('2024-02-01T10:00:00.000Z'));

      const res = await list(alice.auth).expect(200);
      const page = res.body as ConversationPage;
      expect(page.items.map((c) => c.id)).toEqual([a1.id, a3.id, a2.id]);
      expect(page.items[0]).toMatchObject({ userId: alice.session.user.id, startedAt: '2024-03-01T10:00:00.000Z' });
      expect(page.nextCursor).toBeNull();

      const bobs = await list(bob.auth).expect(200);
      expect((bobs.body as ConversationPage).items.map((c) => c.id)).toEqual([b1.id]);
    });

    it('pages through 25 conversations 10 at a time without duplicates or gaps, ties included', async () => {
      const { auth } = await registerUser(t);
      const created: Conversation[] = [];
      for (let i = 0; i < 25; i++) created.push(await create(auth));
      // Five distinct instants, five conversations each: the cursor has to break ties by id.
      for (const [i, c] of created.entries()) await setStartedAt(c.id, new Date(Date.UTC(2024, 4, 1 + (i % 5), 12)));
      const expected = created
        .map((c, i) => ({ id: c.id, at: Date.UTC(2024, 4, 1 + (i % 5), 12) }))
        .sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1))
        .map((c) => c.id);

      const pages = await allPages(auth, 10);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(expected);
      expect(new Set(pages.flat()).size).toBe(25);
    });

    it('pages conversations created in quick succession with their server timestamps', async () => {
      const { auth } = await registerUser(t);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await create(auth)).id);
      const pages = await allPages(auth, 3);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat().sort()).toEqual([...ids].sort());
      const first = await list(auth, { limit: 7 }).expect(200);
      expect((first.body as ConversationPage).items.map((c) => c.id)).toEqual(pages.flat());
      expect((first.body as ConversationPage).nextCursor).toBeNull();
    });

    it('pages 20 at a time by default', async () => {
      const { auth } = await registerUser(t);
      for (let i = 0; i < 21; i++) await create(auth);
      const first = (await list(auth).expect(200)).body as ConversationPage;
      expect(first.items).toHaveLength(20);
      expect(first.nextCursor).toEqual(expect.any(String));
      const rest = (await list(auth, { cursor: first.nextCursor as string }).expect(200)).body as ConversationPage;
      expect(rest.items).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();
      expect(first.items.map((c) => c.id)).not.toContain(rest.items[0]?.id);
    });

    it('gives no cursor when the last page is exactly full', async () => {
      const { auth } = await registerUser(t);
      for (let i = 0; i < 4; i++) await create(auth);
      const res = await list(auth, { limit: 4 }).expect(200);
      expect((res.body as ConversationPage).items).toHaveLength(4);
      expect((res.body as ConversationPage).nextCursor).toBeNull();
      const half = await list(auth, { limit: 2 }).expect(200);
      expect((half.body as ConversationPage).nextCursor).toEqual(expect.any(String));
    });

    it('refuses a cursor it did not issue', async () => {
      const { auth } = await registerUser(t);
      for (const cursor of [
        'garbage',
        '!!!',
        Buffer.from('{}').toString('base64url'),
        Buffer.from(JSON.stringify(['not a date', randomUUID()])).toString('base64url'),
        Buffer.from(JSON.stringify([new Date().toISOString(), "x' OR 1=1 --"])).toString('base64url'),
        'x'.repeat(201),
      ]) {
        expectValidation(await list(auth, { cursor }), 'query.cursor');
      }
    });

    it('validates limit and unknown parameters', async () => {
      const { auth } = await registerUser(t);
      for (const limit of ['0', '101', 'abc', '2.5', '-1']) {
        expectValidation(await list(auth, { limit }), 'query.limit');
      }
      expect((await list(auth, { limit: '100' })).status).toBe(200);
      expect((await list(auth, { limit: '1' })).status).toBe(200);
      expectValidation(await list(auth, { channel: 'fax' }), 'query.channel');
      expectValidation(await list(auth, { from: 'yesterday' }), 'query.from');
      expectValidation(await t.http.get('/v1/conversations').set(auth).query({ sort: 'asc' }), 'query', /sort/);
    });

    it('filters by channel', async () => {
      const { auth } = await registerUser(t);
      const web = await create(auth, { channel: 'web' });
      const phone = await create(auth, { channel: 'phone' });
      const res = await list(auth, { channel: 'phone' }).expect(200);
      expect((res.body as ConversationPage).items.map((c) => c.id)).toEqual([phone.id]);
      const webOnly = await list(auth, { channel: 'web' }).expect(200);
      expect((webOnly.body as ConversationPage).items.map((c) => c.id)).toEqual([web.id]);
      const none = await list(auth, { channel: 'whatsapp' }).expect(200);
      expect((none.body as ConversationPage).items).toEqual([]);
    });

    it("filters by agent: the conversation's agent or any message's agent", async () => {
      const { auth } = await registerUser(t);
      const reception = await create(auth, { channel: 'web', agent: 'receptionist' });
      const handedOff = await create(auth, { channel: 'web', agent: 'receptionist' });
      await append(service, handedOff.id, { role: 'agent', agent: 'billing', text: 'Your balance is 20 dollars.' });
      const billing = await create(auth, { channel: 'web', agent: 'billing' });
      await setStartedAt(reception.id, new Date('2024-01-03T00:00:00Z'));
      await setStartedAt(handedOff.id, new Date('2024-01-02T00:00:00Z'));
      await setStartedAt(billing.id, new Date('2024-01-01T00:00:00Z'));

      const ids = async (agent: string) => ((await list(auth, { agent }).expect(200)).body as ConversationPage).items.map((c) => c.id);
      expect(await ids('billing')).toEqual([handedOff.id, billing.id]);
      expect(await ids('receptionist')).toEqual([reception.id, handedOff.id]);
      expect(await ids('scheduler')).toEqual([]);
      expectValidation(await list(auth, { agent: 'Billing!' }), 'query.agent');
    });

    it('lists what each conversation was about: the first request, cut at 200 characters, and the agents in the order they spoke', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth, { channel: 'web' });
      await append(service, c.id, { role: 'agent', agent: 'receptionist', text: 'Hello, how can I help?' });
      const request = `I would like to book ${'a very long appointment '.repeat(12)}`;
      await append(auth, c.id, { text: request });
      await append(service, c.id, { role: 'agent', agent: 'scheduler', text: 'Which day?' });
      await append(auth, c.id, { text: 'Tuesday' });
      await append(service, c.id, { role: 'agent', agent: 'receptionist', text: 'Anything else?' });
      await append(service, c.id, { role: 'agent', agent: 'billing', text: 'Your balance is zero.' });

      const [item] = ((await list(auth).expect(200)).body as ConversationPage).items;
      expect(item).toMatchObject({ id: c.id, firstRequest: request.slice(0, 200), agents: ['receptionist', 'scheduler', 'billing'] });
    });

    it('filters to conversations with messages, or without', async () => {
      const { auth } = await registerUser(t);
      const said = await create(auth, { channel: 'web' });
      await append(service, said.id, { role: 'agent', agent: 'receptionist', text: 'Hello, how can I help?' });
      const silent = await create(auth, { channel: 'web' });
      await setStartedAt(said.id, new Date('2024-01-02T00:00:00Z'));
      await setStartedAt(silent.id, new Date('2024-01-01T00:00:00Z'));

      const ids = async (hasMessages?: string) =>
        ((await list(auth, hasMessages === undefined ? {} : { hasMessages }).expect(200)).body as ConversationPage).items.map((c) => c.id);
      expect(await ids('true')).toEqual([said.id]);
      expect(await ids('false')).toEqual([silent.id]);
      expect(await ids()).toEqual([said.id, silent.id]);
      expectValidation(await list(auth, { hasMessages: 'yes' }), 'query.hasMessages');
    });

    it('filters by start time, inclusive at both ends, and refuses from after to', async () => {
      const { auth } = await registerUser(t);
      const jan = await create(auth);
      const feb = await create(auth);
      const mar = await create(auth);
      await setStartedAt(jan.id, new Date('2024-01-15T12:00:00.000Z'));
      await setStartedAt(feb.id, new Date('2024-02-15T12:00:00.000Z'));
      await setStartedAt(mar.id, new Date('2024-03-15T12:00:00.000Z'));
      const ids = async (q: ListQuery) => ((await list(auth, q).expect(200)).body as ConversationPage).items.map((c) => c.id);

      expect(await ids({ from: '2024-02-01T00:00:00Z' })).toEqual([mar.id, feb.id]);
      expect(await ids({ to: '2024-02-01T00:00:00Z' })).toEqual([jan.id]);
      expect(await ids({ from: '2024-02-01T00:00:00Z', to: '2024-03-01T00:00:00Z' })).toEqual([feb.id]);
      expect(await ids({ from: '2024-02-15T12:00:00.000Z', to: '2024-03-15T12:00:00.000Z' })).toEqual([mar.id, feb.id]);
      // The same instant written with an offset.
      expect(await ids({ from: '2024-02-15T14:00:00+02:00', to: '2024-02-15T14:00:00+02:00' })).toEqual([feb.id]);
      expect(await ids({ from: '2025-01-01T00:00:00Z' })).toEqual([]);

      const reversed = await list(auth, { from: '2024-03-01T00:00:00Z', to: '2024-02-01T00:00:00Z' });
      expectValidation(reversed, 'query.from');
    });

    it('pages within a filter', async () => {
      const { auth } = await registerUser(t);
      const phones: string[] = [];
      for (let i = 0; i < 5; i++) {
        phones.push((await create(auth, { channel: 'phone' })).id);
        await create(auth, { channel: 'web' });
      }
      const pages = await allPages(auth, 2, { channel: 'phone' });
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat().sort()).toEqual([...phones].sort());
    });

    it('searches message text and titles, case-insensitively', async () => {
      const alice = await registerUser(t);
      const bob = await registerUser(t);
      const titled = await create(alice.auth, { channel: 'web', title: 'Dentist Appointment' });
      const talked = await create(alice.auth);
      await append(alice.auth, talked.id, { text: 'I need to RESCHEDULE my visit' });
      await append(service, talked.id, { role: 'agent', text: 'Sure, which day suits you?' });
      const unrelated = await create(alice.auth, { channel: 'web', title: 'Billing question' });
      await append(alice.auth, unrelated.id, { text: 'What do I owe?' });
      const bobs = await create(bob.auth, { channel: 'web', title: 'dentist appointment for bob' });
      await setStartedAt(titled.id, new Date('2024-01-02T00:00:00Z'));
      await setStartedAt(talked.id, new Date('2024-01-01T00:00:00Z'));

      const ids = async (q: string) => ((await list(alice.auth, { q }).expect(200)).body as ConversationPage).items.map((c) => c.id);
      expect(await ids('appointment')).toEqual([titled.id]);
      expect(await ids('DENTIST')).toEqual([titled.id]);
      expect(await ids('reschedule')).toEqual([talked.id]);
      expect(await ids('which DAY')).toEqual([talked.id]);
      expect(await ids('  owe  ')).toEqual([unrelated.id]);
      expect(await ids('nothing like this')).toEqual([]);
      expect((await ids('appointment')).includes(bobs.id)).toBe(false);
      expectValidation(await list(alice.auth, { q: 'x'.repeat(201) }), 'query.q');
    });

    it('matches %, _ and \\ in the search text literally', async () => {
      const { auth } = await registerUser(t);
      const percent = await create(auth);
      await append(auth, percent.id, { text: 'I am 100% sure' });
      const nearPercent = await create(auth);
      await append(auth, nearPercent.id, { text: 'There are 1000 reasons' });
      const underscore = await create(auth, { channel: 'web', title: 'snake_case title' });
      const nearUnderscore = await create(auth, { channel: 'web', title: 'snakeXcase title' });
      const backslash = await create(auth);
      await append(auth, backslash.id, { text: 'path C:\\temp\\file' });
      const nearBackslash = await create(auth);
      await append(auth, nearBackslash.id, { text: 'path C:temp' });

      const ids = async (q: string) => ((await list(auth, { q, limit: 100 }).expect(200)).body as ConversationPage).items.map((c) => c.id);
      expect(await ids('100%')).toEqual([percent.id]);
      expect(await ids('%')).toEqual([percent.id]);
      expect(await ids('snake_case')).toEqual([underscore.id]);
      expect(await ids('_')).toEqual([underscore.id]);
      expect(await ids('c:\\temp')).toEqual([backslash.id]);
      expect(await ids('snakexcase')).toEqual([nearUnderscore.id]);
      expect(await ids('c:temp')).toEqual([nearBackslash.id]);
    });

    it('folds non-ASCII letters too', async () => {
      const { auth } = await registerUser(t);
      const german = await create(auth, { channel: 'web', title: 'Termin bei der Ärztin' });
      const ids = async (q: string) => ((await list(auth, { q }).expect(200)).body as ConversationPage).items.map((c) => c.id);
      expect(await ids('ärztin')).toEqual([german.id]);
      expect(await ids('ÄRZTIN')).toEqual([german.id]);
    });

    it('is for signed-in users: a service token gets 403', async () => {
      const res = await t.http.get('/v1/conversations').set(service);
      expectError(res, 403, 'forbidden');
      expectError(await t.http.get('/v1/conversations'), 401, 'unauthorized');
    });
  });

  describe('get one', () => {
    it('returns the messages in seq order', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      // createdAt runs backwards so that ordering by anything but seq shows.
      const m1 = await append(auth, c.id, { text: 'first', createdAt: '2024-01-01T10:00:03Z' });
      const m2 = await append(service, c.id, { role: 'agent', agent: 'receptionist', text: 'second', createdAt: '2024-01-01T10:00:02Z' });
      const m3 = await append(auth, c.id, { text: 'third', createdAt: '2024-01-01T10:00:01Z' });
      expect([m1.seq, m2.seq, m3.seq]).toEqual([1, 2, 3]);

      const res = await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200);
      const detail = res.body as ConversationDetail;
      expect(detail.messages.map((m) => m.text)).toEqual(['first', 'second', 'third']);
      expect(detail.messages).toEqual([m1, m2, m3]);
      expect(detail.messageCount).toBe(3);
      expect(m1.createdAt).toBe('2024-01-01T10:00:03.000Z');
    });

    // The list and detail JSON is rendered by the database (PostgreSQL or SQLite), not by the mappers that
    // shape the create and append responses: both must agree, key for key, on either engine.
    it('answers list and detail in exactly the shape of the create and append responses', async () => {
      const { auth } = await registerUser(t);
      const empty = await create(auth, { channel: 'phone' });
      const c = await create(auth, { channel: 'web', agent: 'billing', title: 'Ünïcödé "title" \\ 100%' });
      const plain = await append(auth, c.id, { text: 'Line one\nline "two" \\ \u00e9\u4e2d\ud83d\ude00 \t end' });
      const measured = await append(service, c.id, {
        role: 'agent',
        agent: 'billing',
        text: 'ok',
        interrupted: true,
        latency: { sttMs: 120, voiceToVoiceMs: 0 },
        createdAt: '2030-05-06T07:08:09.010Z',
      });
      expect(plain.latency).toStrictEqual({});

      const detail = (await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(DetailContract.parse(detail)).toStrictEqual(detail);
      expect(detail.messages).toStrictEqual([plain, measured]);
      const { messages, ...conversation } = detail;
      expect(conversation).toStrictEqual({ ...c, messageCount: 2, lastMessageAt: '2030-05-06T07:08:09.010Z' });
      expect(messages[1]).toMatchObject({ interrupted: true, latency: { sttMs: 120, voiceToVoiceMs: 0 }, agent: 'billing' });

      const emptyDetail = (await t.http.get(`/v1/conversations/${empty.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(emptyDetail).toStrictEqual({ ...empty, messages: [] });

      const page = (await list(auth).expect(200)).body as ConversationPage;
      expect(PageContract.parse(page)).toStrictEqual(page);
      expect(page.nextCursor).toBeNull();
      const listed = [
        { ...conversation, firstRequest: plain.text, agents: ['billing'] },
        { ...empty, firstRequest: null, agents: [] },
      ];
      expect([...page.items].sort((a, b) => a.id.localeCompare(b.id))).toStrictEqual(listed.sort((a, b) => a.id.localeCompare(b.id)));
    });

    it('answers 404 for a conversation that does not exist', async () => {
      const { auth } = await registerUser(t);
      expectError(await t.http.get(`/v1/conversations/${randomUUID()}`).set(auth), 404, 'not_found');
      expectError(await t.http.get(`/v1/conversations/${randomUUID()}`).set(service), 404, 'not_found');
    });

    it("answers 404 (not 403) for another user's conversation, and changes nothing", async () => {
      const owner = await registerUser(t);
      const intruder = await registerUser(t);
      const c = await create(owner.auth);
      await append(owner.auth, c.id, { text: 'private' });

      expectError(await t.http.get(`/v1/conversations/${c.id}`).set(intruder.auth), 404, 'not_found');
      const id = randomUUID();
      const appendRes = await t.http
        .post(`/v1/conversations/${c.id}/messages`)
        .set(intruder.auth)
        .send({ id, role: 'user', text: 'sneaky' } satisfies AppendMessageRequest);
      expectError(appendRes, 404, 'not_found');
      expectError(await t.http.post(`/v1/conversations/${c.id}/end`).set(intruder.auth).send({}), 404, 'not_found');
      expectError(await t.http.delete(`/v1/conversations/${c.id}`).set(intruder.auth), 404, 'not_found');

      expect(await messagesRepo().existsBy({ id })).toBe(false);
      const row = await conversationsRepo().findOneByOrFail({ id: c.id });
      expect(row).toMatchObject({ status: 'active', endedAt: null, messageCount: 1 });
      const mine = await t.http.get(`/v1/conversations/${c.id}`).set(owner.auth).expect(200);
      expect((mine.body as ConversationDetail).messages.map((m) => m.text)).toEqual(['private']);
    });

    it('names params.id when the id is not a UUID', async () => {
      const { auth } = await registerUser(t);
      expectValidation(await t.http.get('/v1/conversations/not-a-uuid').set(auth), 'params.id');
      expectValidation(await t.http.post('/v1/conversations/123/messages').set(auth).send({ id: randomUUID(), role: 'user', text: 'x' }), 'params.id');
      expectValidation(await t.http.post('/v1/conversations/123/end').set(auth).send({}), 'params.id');
      expectValidation(await t.http.delete('/v1/conversations/123').set(auth), 'params.id');
    });
  });

  describe('append', () => {
    it('stores a turn with 201 and updates the conversation', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const id = randomUUID();
      const res = await t.http
        .post(`/v1/conversations/${c.id}/messages`)
        .set(auth)
        .send({ id, role: 'user', text: 'Hello, I would like an appointment.' } satisfies AppendMessageRequest)
        .expect(201);
      expect(res.body).toEqual({
        id,
        conversationId: c.id,
        seq: 1,
        role: 'user',
        agent: null,
        text: 'Hello, I would like an appointment.',
        interrupted: false,
        latency: {},
        createdAt: expect.any(String),
      } satisfies Message);
      const after = await conversationsRepo().findOneByOrFail({ id: c.id });
      expect(after.messageCount).toBe(1);
      expect(after.lastMessageAt?.toISOString()).toBe(res.body.createdAt);
    });

    it.each(['agent', 'system'] as const)('refuses a %s line from a user token with 403: only the voice service writes those', async (role) => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const forged = { id: randomUUID(), role, agent: 'billing', text: 'Your bill is waived.' } satisfies AppendMessageRequest;
      const res = await t.http.post(`/v1/conversations/${c.id}/messages`).set(auth).send(forged);
      expectError(res, 403, 'forbidden', /only role "user" messages/);
      expect(await messagesRepo().countBy({ conversationId: c.id })).toBe(0);
      // The service credential may write the same line.
      await append(service, c.id, forged);
    });

    it('replays a retried write: same id gives 200 with the stored message and no duplicate', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const input = { id: randomUUID(), role: 'agent', agent: 'receptionist', text: 'How can I help?' } satisfies AppendMessageRequest;
      const first = await t.http.post(`/v1/conversations/${c.id}/messages`).set(service).send(input).expect(201);
      const second = await append(auth, c.id, { text: 'another turn' });
      const retried = await t.http.post(`/v1/conversations/${c.id}/messages`).set(service).send(input).expect(200);
      expect(retried.body).toEqual(first.body);
      expect(retried.body.seq).toBe(1);
      expect(second.seq).toBe(2);
      expect(await messagesRepo().countBy({ conversationId: c.id })).toBe(2);
      expect((await conversationsRepo().findOneByOrFail({ id: c.id })).messageCount).toBe(2);
      const detail = (await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(detail.messages.map((m) => m.seq)).toEqual([1, 2]);
      expect(detail.messages[0]).toEqual(first.body);
    });

    it('refuses a message id already used in another conversation with 409', async () => {
      const { auth } = await registerUser(t);
      const a = await create(auth);
      const b = await create(auth);
      const m = await append(auth, a.id);
      const res = await t.http
        .post(`/v1/conversations/${b.id}/messages`)
        .set(auth)
        .send({ id: m.id, role: 'user', text: 'hello there' } satisfies AppendMessageRequest);
      expectError(res, 409, 'conflict');
      expect(await messagesRepo().countBy({ conversationId: b.id })).toBe(0);
      expect((await conversationsRepo().findOneByOrFail({ id: b.id })).messageCount).toBe(0);
      expect((await messagesRepo().findOneByOrFail({ id: m.id })).conversationId).toBe(a.id);
    });

    it('numbers 10 concurrent appends 1..10 without gaps', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const inputs = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), role: 'user', text: `turn ${i}` }) satisfies AppendMessageRequest);
      const results = await Promise.all(inputs.map((input) => t.http.post(`/v1/conversations/${c.id}/messages`).set(auth).send(input)));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(results.map((r) => (r.body as Message).seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

      const rows = await messagesRepo().find({ where: { conversationId: c.id }, order: { seq: 'ASC' } });
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(rows.map((r) => r.id).sort()).toEqual(inputs.map((i) => i.id).sort());
      expect((await conversationsRepo().findOneByOrFail({ id: c.id })).messageCount).toBe(10);
    });

    it('stores 5 concurrent appends of the same id exactly once', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      await append(auth, c.id, { text: 'before' });
      const input = { id: randomUUID(), role: 'user', text: 'said once, sent five times' } satisfies AppendMessageRequest;
      const results = await Promise.all(Array.from({ length: 5 }, () => t.http.post(`/v1/conversations/${c.id}/messages`).set(service).send(input)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      for (const r of results) expect(r.body).toEqual(results[0]?.body);
      expect(results[0]?.body).toMatchObject({ id: input.id, seq: 2, text: input.text });

      expect(await messagesRepo().countBy({ id: input.id })).toBe(1);
      expect(await messagesRepo().countBy({ conversationId: c.id })).toBe(2);
      expect((await conversationsRepo().findOneByOrFail({ id: c.id })).messageCount).toBe(2);
      const next = await append(auth, c.id, { text: 'after' });
      expect(next.seq).toBe(3);
    });

    it('round-trips latency figures, the interrupted flag and the agent', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const latency = { endOfUtteranceMs: 120, sttMs: 85, llmFirstTokenMs: 310, ttsFirstByteMs: 140, voiceToVoiceMs: 655 };
      const full = await append(service, c.id, { role: 'agent', agent: 'scheduler', text: 'Tuesday at 10?', interrupted: true, latency });
      expect(full).toMatchObject({ role: 'agent', agent: 'scheduler', interrupted: true, latency });
      const partial = await append(auth, c.id, { role: 'user', text: 'Yes', latency: { sttMs: 0, voiceToVoiceMs: 600_000 } });
      expect(partial.latency).toEqual({ sttMs: 0, voiceToVoiceMs: 600_000 });
      expect(partial.interrupted).toBe(false);
      const system = await append(service, c.id, { role: 'system', text: 'handoff: scheduler -> billing' });
      expect(system.latency).toEqual({});

      const detail = (await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(detail.messages).toEqual([full, partial, system]);
      expect(detail.messages[0]?.latency).toEqual(latency);
    });

    it('keeps the stored createdAt a client sends, in UTC', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const m = await append(auth, c.id, { createdAt: '2024-06-01T12:30:00.250+02:00' });
      expect(m.createdAt).toBe('2024-06-01T10:30:00.250Z');
      const detail = (await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(detail.messages[0]?.createdAt).toBe('2024-06-01T10:30:00.250Z');
      expect(detail.lastMessageAt).toBe('2024-06-01T10:30:00.250Z');
    });

    it('does not move lastMessageAt backwards for a late turn with an older createdAt', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      await append(auth, c.id, { createdAt: '2024-06-01T10:05:00.000Z' });
      await append(auth, c.id, { createdAt: '2024-06-01T10:01:00.000Z' });
      const detail = (await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(detail.lastMessageAt).toBe('2024-06-01T10:05:00.000Z');
      expect(detail.messageCount).toBe(2);
    });

    it.each([
      ['an unknown role', { role: 'robot' }, 'body.role', undefined],
      ['empty text', { text: '' }, 'body.text', /empty/],
      ['text over 20000 characters', { text: 'x'.repeat(20_001) }, 'body.text', /20000/],
      ['a negative latency', { latency: { sttMs: -1 } }, 'body.latency.sttMs', undefined],
      ['a fractional latency', { latency: { voiceToVoiceMs: 1.5 } }, 'body.latency.voiceToVoiceMs', undefined],
      ['a latency over ten minutes', { latency: { llmFirstTokenMs: 600_001 } }, 'body.latency.llmFirstTokenMs', undefined],
      ['a NUL character in the text', { text: 'before\u0000after' }, 'body.text', /NUL/],
      ['an unknown latency figure', { latency: { gpuMs: 3 } }, 'body.latency', /gpuMs/],
      ['an unknown field', { mood: 'happy' }, 'body', /mood/],
      ['a missing id', { id: undefined }, 'body.id', /required/],
      ['a non-UUID id', { id: 'abc' }, 'body.id', undefined],
      ['a bad createdAt', { createdAt: 'yesterday' }, 'body.createdAt', undefined],
      ['a bad agent name', { agent: 'Scheduler' }, 'body.agent', undefined],
      ['a non-boolean interrupted', { interrupted: 'yes' }, 'body.interrupted', undefined],
    ])('refuses %s with 400 and writes nothing', async (_, patch, path, message) => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const id = randomUUID();
      const res = await t.http
        .post(`/v1/conversations/${c.id}/messages`)
        .set(auth)
        .send({ id, role: 'user', text: 'hello', ...patch });
      expectValidation(res, path, message);
      expect(await messagesRepo().existsBy({ id })).toBe(false);
      expect(await messagesRepo().countBy({ conversationId: c.id })).toBe(0);
      const row = await conversationsRepo().findOneByOrFail({ id: c.id });
      expect(row).toMatchObject({ messageCount: 0, lastMessageAt: null });
    });

    it('accepts text of exactly 20000 characters', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const m = await append(auth, c.id, { text: 'y'.repeat(20_000) });
      expect(m.text).toHaveLength(20_000);
      expect((await messagesRepo().findOneByOrFail({ id: m.id })).text).toHaveLength(20_000);
    });

    it('answers 404 when appending to a conversation that does not exist', async () => {
      const id = randomUUID();
      const res = await t.http
        .post(`/v1/conversations/${randomUUID()}/messages`)
        .set(service)
        .send({ id, role: 'user', text: 'hello' } satisfies AppendMessageRequest);
      expectError(res, 404, 'not_found');
      expect(await messagesRepo().existsBy({ id })).toBe(false);
    });
  });

  describe('request bodies', () => {
    it('refuses a body over BODY_LIMIT_BYTES with 413 and stores nothing', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const id = randomUUID();
      const text = 'z'.repeat(t.config.BODY_LIMIT_BYTES + 10);
      const res = await t.http
        .post(`/v1/conversations/${c.id}/messages`)
        .set(auth)
        .send({ id, role: 'user', text } satisfies AppendMessageRequest);
      expectError(res, 413, 'payload_too_large');
      expect(await messagesRepo().existsBy({ id })).toBe(false);
      expect((await conversationsRepo().findOneByOrFail({ id: c.id })).messageCount).toBe(0);
    });

    it('refuses a content type other than JSON with 415', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const res = await t.http
        .post(`/v1/conversations/${c.id}/messages`)
        .set(auth)
        .set('Content-Type', 'application/xml')
        .send(`<message><id>${randomUUID()}</id><role>user</role><text>hello</text></message>`);
      expectError(res, 415, 'unsupported_media_type');
      expect(await messagesRepo().countBy({ conversationId: c.id })).toBe(0);
    });

    it('refuses malformed JSON with 400 in the standard error shape', async () => {
      const { auth } = await registerUser(t);
      const res = await t.http.post('/v1/conversations').set(auth).set('Content-Type', 'application/json').send('{"channel": "web",');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/JSON/), requestId: expect.any(String) } });
    });
  });

  describe('end', () => {
    it('ends a conversation; ending twice is idempotent', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const res = await t.http.post(`/v1/conversations/${c.id}/end`).set(auth).send({}).expect(200);
      const ended = res.body as Conversation;
      expect(ended).toMatchObject({ id: c.id, status: 'ended', endedAt: expect.any(String) });
      expect(Date.parse(ended.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(c.startedAt));

      const again = await t.http
        .post(`/v1/conversations/${c.id}/end`)
        .set(auth)
        .send({ endedAt: '2099-01-01T00:00:00Z' } satisfies EndConversationRequest)
        .expect(200);
      expect(again.body).toEqual(ended);
      const row = await conversationsRepo().findOneByOrFail({ id: c.id });
      expect(row.status).toBe('ended');
      expect(row.endedAt?.toISOString()).toBe(ended.endedAt);
    });

    it('keeps the first end time when ends race', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((minute) =>
          t.http
            .post(`/v1/conversations/${c.id}/end`)
            .set(auth)
            .send({ endedAt: `2030-01-01T00:0${minute}:00Z` } satisfies EndConversationRequest),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const stored = await conversationsRepo().findOneByOrFail({ id: c.id });
      for (const r of results) expect(r.body).toMatchObject({ status: 'ended', endedAt: stored.endedAt?.toISOString() });
    });

    it('ends at the time a service reports, and works without a body', async () => {
      const { session } = await registerUser(t);
      const c = await create(service, { channel: 'web', userId: session.user.id });
      const res = await t.http
        .post(`/v1/conversations/${c.id}/end`)
        .set(service)
        .send({ endedAt: '2030-05-05T12:00:00+02:00' } satisfies EndConversationRequest)
        .expect(200);
      expect(res.body).toMatchObject({ status: 'ended', endedAt: '2030-05-05T10:00:00.000Z' });

      const other = await create(service, { channel: 'phone', externalParty: '+14155550123' });
      const bare = await t.http.post(`/v1/conversations/${other.id}/end`).set(service).expect(200);
      expect(bare.body).toMatchObject({ status: 'ended', endedAt: expect.any(String) });
      expectValidation(await t.http.post(`/v1/conversations/${c.id}/end`).set(service).send({ endedAt: 'soon' }), 'body.endedAt');
    });

    it('still stores late transcript turns after the end', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      await append(auth, c.id, { text: 'goodbye' });
      await t.http.post(`/v1/conversations/${c.id}/end`).set(auth).send({}).expect(200);
      const late = await append(service, c.id, { role: 'agent', text: 'Goodbye, have a nice day!' });
      expect(late.seq).toBe(2);
      const detail = (await t.http.get(`/v1/conversations/${c.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(detail).toMatchObject({ status: 'ended', messageCount: 2 });
      expect(detail.messages.map((m) => m.text)).toEqual(['goodbye', 'Goodbye, have a nice day!']);
    });
  });

  describe('delete', () => {
    it('deletes the conversation and its messages', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const keep = await create(auth);
      await append(auth, c.id);
      await append(auth, c.id);
      await append(auth, keep.id);

      await t.http.delete(`/v1/conversations/${c.id}`).set(auth).expect(204);
      expectError(await t.http.get(`/v1/conversations/${c.id}`).set(auth), 404, 'not_found');
      expect(await conversationsRepo().existsBy({ id: c.id })).toBe(false);
      expect(await messagesRepo().countBy({ conversationId: c.id })).toBe(0);
      expect(await messagesRepo().countBy({ conversationId: keep.id })).toBe(1);
      expectError(await t.http.delete(`/v1/conversations/${c.id}`).set(auth), 404, 'not_found');
      const page = (await list(auth).expect(200)).body as ConversationPage;
      expect(page.items.map((x) => x.id)).toEqual([keep.id]);
    });

    it('is for the owning user: a service token gets 403', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      expectError(await t.http.delete(`/v1/conversations/${c.id}`).set(service), 403, 'forbidden');
      expect(await conversationsRepo().existsBy({ id: c.id })).toBe(true);
    });
  });

  describe('service clients', () => {
    it("create, append to, end and read any user's conversation", async () => {
      const { auth, session } = await registerUser(t);
      const mine = await create(auth);
      const m = await append(service, mine.id, { role: 'agent', agent: 'receptionist', text: 'Hi from the phone line' });
      expect(m.seq).toBe(1);
      const got = (await t.http.get(`/v1/conversations/${mine.id}`).set(service).expect(200)).body as ConversationDetail;
      expect(got).toMatchObject({ id: mine.id, userId: session.user.id, messageCount: 1 });
      expect(got.messages).toEqual([m]);
      const ended = await t.http.post(`/v1/conversations/${mine.id}/end`).set(service).send({}).expect(200);
      expect(ended.body.status).toBe('ended');
      const seenByUser = (await t.http.get(`/v1/conversations/${mine.id}`).set(auth).expect(200)).body as ConversationDetail;
      expect(seenByUser).toMatchObject({ status: 'ended', messageCount: 1 });

      const party = await create(service, { channel: 'whatsapp', externalParty: '+14155550123', agent: 'billing' });
      await append(service, party.id, { text: 'What is my balance?' });
      const partyDetail = (await t.http.get(`/v1/conversations/${party.id}`).set(service).expect(200)).body as ConversationDetail;
      expect(partyDetail).toMatchObject({ externalParty: '+14155550123', channel: 'whatsapp', messageCount: 1 });
      expectError(await t.http.get(`/v1/conversations/${party.id}`).set(auth), 404, 'not_found');
    });

    it('a service token without conversations:write cannot read or write conversations', async () => {
      const { auth } = await registerUser(t);
      const c = await create(auth);
      const clinicOnly = await serviceToken(t, 'clinic:read clinic:book');
      expectError(await t.http.get(`/v1/conversations/${c.id}`).set(clinicOnly), 403, 'forbidden');
      const id = randomUUID();
      const res = await t.http
        .post(`/v1/conversations/${c.id}/messages`)
        .set(clinicOnly)
        .send({ id, role: 'user', text: 'hi' } satisfies AppendMessageRequest);
      expectError(res, 403, 'forbidden');
      expect(await messagesRepo().existsBy({ id })).toBe(false);
    });
  });
});
