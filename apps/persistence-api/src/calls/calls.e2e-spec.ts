import type { Call, Conversation, CreateCallRequest, CreateConversationRequest, UpdateCallRequest } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { registerUser, serviceToken, startTestApp, type TestApp } from '../../test/test-app';
import { expectError, expectValidation } from '@voice/testing/api-errors';
import { CallEntity } from './entities/call.entity';

type Auth = { Authorization: string };

describe('calls', () => {
  let t: TestApp;
  let service: Auth;

  beforeAll(async () => {
    t = await startTestApp();
    service = await serviceToken(t, 'conversations:write');
  });
  afterAll(() => t.close());

  const callsRepo = () => t.db.getRepository(CallEntity);

  const newCall = (overrides: Partial<CreateCallRequest> = {}) =>
    ({
      provider: 'twilio',
      providerCallId: `CA${randomUUID().replaceAll('-', '')}`,
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
      ...overrides,
    }) satisfies CreateCallRequest;

  async function createCall(input: CreateCallRequest = newCall()): Promise<Call> {
    const res = await t.http.post('/v1/calls').set(service).send(input);
    expect(res.status).toBe(201);
    return res.body as Call;
  }

  async function phoneConversation(): Promise<Conversation> {
    const res = await t.http
      .post('/v1/conversations')
      .set(service)
      .send({ channel: 'phone', externalParty: '+14155550123' } satisfies CreateConversationRequest)
      .expect(201);
    return res.body as Conversation;
  }

  describe('POST /v1/calls', () => {
    it('records a call with 201', async () => {
      const conversation = await phoneConversation();
      const input = newCall({ conversationId: conversation.id, direction: 'outbound', startedAt: '2024-05-01T09:00:00+02:00' });
      const res = await t.http.post('/v1/calls').set(service).send(input).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        conversationId: conversation.id,
        provider: 'twilio',
        providerCallId: input.providerCallId,
        direction: 'outbound',
        from: '+14155550123',
        to: '+14155550100',
        status: 'in-progress',
        startedAt: '2024-05-01T07:00:00.000Z',
        endedAt: null,
        durationSec: null,
        recordingUrl: null,
      } satisfies Call);
      const row = await callsRepo().findOneByOrFail({ id: res.body.id });
      expect(row).toMatchObject({ providerCallId: input.providerCallId, conversationId: conversation.id, status: 'in-progress' });
      const got = await t.http.get(`/v1/calls/${res.body.id}`).set(service).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('starts the call now when the provider gives no start time', async () => {
      const before = Date.now();
      const call = await createCall();
      expect(Date.parse(call.startedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(call.startedAt)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(call.conversationId).toBeNull();
    });

    it('returns the first record with 200 when the same provider call id comes again', async () => {
      const input = newCall();
      const first = await createCall(input);
      const again = await t.http
        .post('/v1/calls')
        .set(service)
        .send({ ...input, from: '+14155550999', startedAt: '2020-01-01T00:00:00Z' } satisfies CreateCallRequest)
        .expect(200);
      expect(again.body).toEqual(first);
      expect(await callsRepo().countBy({ providerCallId: input.providerCallId })).toBe(1);

      const other = await createCall(newCall());
      expect(other.id).not.toBe(first.id);
    });

    it('records concurrent webhook retries once', async () => {
      const input = newCall();
      const results = await Promise.all(Array.from({ length: 5 }, () => t.http.post('/v1/calls').set(service).send(input)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      for (const r of results) expect(r.body).toEqual(results[0]?.body);
      expect(await callsRepo().countBy({ providerCallId: input.providerCallId })).toBe(1);
    });

    it('refuses a conversationId that names no conversation', async () => {
      const input = newCall({ conversationId: randomUUID() });
      expectValidation(await t.http.post('/v1/calls').set(service).send(input), 'body.conversationId', /no conversation/);
      expect(await callsRepo().countBy({ providerCallId: input.providerCallId })).toBe(0);
    });

    it('validates the body', async () => {
      const post = (body: unknown) =>
        t.http
          .post('/v1/calls')
          .set(service)
          .send(body as object);
      expectValidation(await post({ ...newCall(), provider: 'vonage' }), 'body.provider');
      expectValidation(await post({ ...newCall(), direction: 'sideways' }), 'body.direction');
      expectValidation(await post({ ...newCall(), providerCallId: '  ' }), 'body.providerCallId');
      expectValidation(await post({ ...newCall(), from: 'x' }), 'body.from');
      expectValidation(await post({ ...newCall(), startedAt: 'now' }), 'body.startedAt');
      expectValidation(await post({ ...newCall(), conversationId: 'nope' }), 'body.conversationId');
      expectValidation(await post({ ...newCall(), price: 3 }), 'body', /price/);
      expectValidation(await post({ ...newCall(), providerCallId: 'CA\u0000' }), 'body.providerCallId', /NUL/);
      const { to: _to, ...missingTo } = newCall();
      expectValidation(await post(missingTo), 'body.to', /required/);
    });
  });

  describe('PATCH /v1/calls/:id', () => {
    it('updates status, end time, duration and recording', async () => {
      const call = await createCall();
      const patch = {
        status: 'completed',
        endedAt: '2024-05-01T09:05:00+02:00',
        durationSec: 300,
        recordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1',
      } satisfies UpdateCallRequest;
      const res = await t.http.patch(`/v1/calls/${call.id}`).set(service).send(patch).expect(200);
      expect(res.body).toEqual({
        ...call,
        status: 'completed',
        endedAt: '2024-05-01T07:05:00.000Z',
        durationSec: 300,
        recordingUrl: patch.recordingUrl,
      } satisfies Call);
      const got = await t.http.get(`/v1/calls/${call.id}`).set(service).expect(200);
      expect(got.body).toEqual(res.body);
      const row = await callsRepo().findOneByOrFail({ id: call.id });
      expect(row.endedAt?.toISOString()).toBe('2024-05-01T07:05:00.000Z');
      expect(row.durationSec).toBe(300);
    });

    it('changes only the fields sent', async () => {
      const call = await createCall();
      await t.http
        .patch(`/v1/calls/${call.id}`)
        .set(service)
        .send({ status: 'completed', durationSec: 12 } satisfies UpdateCallRequest)
        .expect(200);
      const res = await t.http
        .patch(`/v1/calls/${call.id}`)
        .set(service)
        .send({ recordingUrl: 'http://recordings.example/r1.wav' } satisfies UpdateCallRequest)
        .expect(200);
      expect(res.body).toMatchObject({ status: 'completed', durationSec: 12, endedAt: null, recordingUrl: 'http://recordings.example/r1.wav' });
      expect(res.body.startedAt).toBe(call.startedAt);
    });

    it('links the call to a conversation that exists, and refuses one that does not', async () => {
      const call = await createCall();
      const conversation = await phoneConversation();
      const linked = await t.http
        .patch(`/v1/calls/${call.id}`)
        .set(service)
        .send({ conversationId: conversation.id } satisfies UpdateCallRequest)
        .expect(200);
      expect(linked.body.conversationId).toBe(conversation.id);

      const res = await t.http
        .patch(`/v1/calls/${call.id}`)
        .set(service)
        .send({ conversationId: randomUUID() } satisfies UpdateCallRequest);
      expectValidation(res, 'body.conversationId', /no conversation/);
      expect((await callsRepo().findOneByOrFail({ id: call.id })).conversationId).toBe(conversation.id);
    });

    it('finds a call and its conversation by UUIDs written in capitals', async () => {
      const conversation = await phoneConversation();
      const call = await createCall(newCall({ conversationId: conversation.id.toUpperCase() }));
      expect(call.conversationId).toBe(conversation.id);
      await t.http.get(`/v1/calls/${call.id.toUpperCase()}`).set(service).expect(200);
      const res = await t.http
        .patch(`/v1/calls/${call.id.toUpperCase()}`)
        .set(service)
        .send({ conversationId: conversation.id.toUpperCase(), status: 'completed' } satisfies UpdateCallRequest)
        .expect(200);
      expect(res.body).toMatchObject({ id: call.id, conversationId: conversation.id, status: 'completed' });
    });

    it('refuses an empty patch', async () => {
      const call = await createCall();
      const res = await t.http.patch(`/v1/calls/${call.id}`).set(service).send({});
      expectValidation(res, 'body', /at least one field/);
    });

    it.each([
      ['an ftp recording URL', { recordingUrl: 'ftp://x' }, 'body.recordingUrl'],
      ['a recording URL that is not a URL', { recordingUrl: 'recording.wav' }, 'body.recordingUrl'],
      ['an unknown status', { status: 'exploded' }, 'body.status'],
      ['a negative duration', { durationSec: -1 }, 'body.durationSec'],
      ['a duration over a day', { durationSec: 86_401 }, 'body.durationSec'],
      ['a bad endedAt', { endedAt: '5 minutes ago' }, 'body.endedAt'],
      ['an unknown field', { direction: 'outbound' }, 'body'],
      ['a NUL character in the recording URL', { recordingUrl: 'https://x.example/a\u0000b' }, 'body.recordingUrl'],
    ])('refuses %s with 400 and changes nothing', async (_, patch, path) => {
      const call = await createCall();
      expectValidation(await t.http.patch(`/v1/calls/${call.id}`).set(service).send(patch), path);
      const got = await t.http.get(`/v1/calls/${call.id}`).set(service).expect(200);
      expect(got.body).toEqual(call);
    });

    it('answers 404 for an unknown call', async () => {
      const res = await t.http
        .patch(`/v1/calls/${randomUUID()}`)
        .set(service)
        .send({ status: 'completed' } satisfies UpdateCallRequest);
      expectError(res, 404, 'not_found');
    });
  });

  describe('GET /v1/calls/:id', () => {
    it('answers 404 for an unknown id and 400 naming params.id for a malformed one', async () => {
      expectError(await t.http.get(`/v1/calls/${randomUUID()}`).set(service), 404, 'not_found');
      expectValidation(await t.http.get('/v1/calls/not-a-uuid').set(service), 'params.id');
      expectValidation(await t.http.patch('/v1/calls/not-a-uuid').set(service).send({ status: 'completed' }), 'params.id');
    });
  });

  describe('access', () => {
    it('is for service clients with conversations:write', async () => {
      const call = await createCall();
      const { auth } = await registerUser(t);
      const input = newCall();
      expectError(await t.http.post('/v1/calls').set(auth).send(input), 403, 'forbidden');
      expectError(await t.http.get(`/v1/calls/${call.id}`).set(auth), 403, 'forbidden');
      expectError(await t.http.patch(`/v1/calls/${call.id}`).set(auth).send({ status: 'failed' }), 403, 'forbidden');

      const clinic = await serviceToken(t, 'clinic:read clinic:book');
      expectError(await t.http.post('/v1/calls').set(clinic).send(input), 403, 'forbidden');
      expectError(await t.http.get(`/v1/calls/${call.id}`).set(clinic), 403, 'forbidden');
      expectError(await t.http.patch(`/v1/calls/${call.id}`).set(clinic).send({ status: 'failed' }), 403, 'forbidden');

      expectError(await t.http.post('/v1/calls').send(input), 401, 'unauthorized');
      expectError(await t.http.get(`/v1/calls/${call.id}`), 401, 'unauthorized');
      expect(await callsRepo().countBy({ providerCallId: input.providerCallId })).toBe(0);
      expect((await callsRepo().findOneByOrFail({ id: call.id })).status).toBe('in-progress');
    });
  });
});
