import type {
  Conversation,
  CreateConversationRequest,
  LoginRequest,
  Profile,
  RefreshRequest,
  RegisterRequest,
  UpdateProfileRequest,
} from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { registerUser, startTestApp, type TestApp } from '../../test/test-app';
import { expectError } from '@voice/testing/api-errors';
import { isPostgres } from '../database/data-source';

/** Rows of `table` whose `column` equals `value`, counted in SQL so no entity mapping is involved. */
async function countRows(db: DataSource, table: string, column: string, value: string): Promise<number> {
  const placeholder = isPostgres(db) ? '$1' : '?';
  const rows = (await db.query(`SELECT COUNT(*) AS n FROM "${table}" WHERE "${column}" = ${placeholder}`, [value])) as { n: number | string }[];
  return Number(rows[0].n);
}

describe('profiles (/v1/me)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const getMe = (auth: Record<string, string>) => t.http.get('/v1/me').set(auth);
  const patchMe = (auth: Record<string, string>, body: unknown) =>
    t.http
      .patch('/v1/me')
      .set(auth)
      .send(body as object);

  it("returns the signed-in user's profile with the defaults", async () => {
    const { auth, session, input } = await registerUser(t, { displayName: '  Ada Lovelace ' });
    const res = await getMe(auth).expect(200);
    expect(res.body).toEqual({
      id: session.user.id,
      email: input.email,
      displayName: 'Ada Lovelace',
      language: 'en-US',
      timezone: 'UTC',
      phone: null,
      phoneVerifiedAt: null,
      preferredVoice: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    } satisfies Profile);
    expect(Math.abs(Date.parse((res.body as Profile).createdAt) - Date.now())).toBeLessThan(60_000);
  });

  it('refuses anonymous callers with 401', async () => {
    expectError(await t.http.get('/v1/me'), 401, 'unauthorized', /Missing access token/);
    expectError(await t.http.patch('/v1/me').send({ displayName: 'x' }), 401, 'unauthorized');
    expectError(await t.http.delete('/v1/me'), 401, 'unauthorized');
  });

  describe('PATCH', () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    const original = {
      displayName: 'Original Name',
      language: 'fr-FR',
      timezone: 'America/New_York',
      phone: '+14155550123',
      preferredVoice: 'en-us',
    } satisfies UpdateProfileRequest;

    beforeAll(async () => {
      user = await registerUser(t);
    });
    // Each test starts from the same known profile, so "nothing changed" can be checked exactly.
    beforeEach(async () => {
      await patchMe(user.auth, original).expect(200);
    });

    it('updates every editable field, answers the new profile and keeps it', async () => {
      const patch = {
        displayName: 'Ada',
        language: 'de-DE',
        timezone: 'Europe/Berlin',
        phone: '+4915112345678',
        preferredVoice: 'de-thorsten',
      } satisfies UpdateProfileRequest;
      const res = await patchMe(user.auth, patch).expect(200);
      const expected = { id: user.session.user.id, email: user.input.email, ...patch, phoneVerifiedAt: null, createdAt: expect.any(String) };
      expect(res.body).toEqual(expected);
      expect((await getMe(user.auth).expect(200)).body).toEqual({ ...expected, createdAt: (res.body as Profile).createdAt });
    });

    it('changes only the fields sent', async () => {
      const res = await patchMe(user.auth, { timezone: 'Asia/Tokyo' } satisfies UpdateProfileRequest).expect(200);
      expect(res.body).toMatchObject({ ...original, timezone: 'Asia/Tokyo' });
      expect((await getMe(user.auth).expect(200)).body).toMatchObject({ ...original, timezone: 'Asia/Tokyo' });
    });

    it('clears the nullable fields with null and trims what it stores', async () => {
      const cleared = await patchMe(user.auth, { displayName: null, phone: null, preferredVoice: null } satisfies UpdateProfileRequest).expect(200);
      expect(cleared.body).toMatchObject({ displayName: null, phone: null, preferredVoice: null, language: 'fr-FR' });
      const trimmed = await patchMe(user.auth, { displayName: '  Grace ', phone: ' +4915112345678 ' } satisfies UpdateProfileRequest).expect(200);
      expect(trimmed.body).toMatchObject({ displayName: 'Grace', phone: '+4915112345678' });
      expect((await getMe(user.auth).expect(200)).body).toMatchObject({ displayName: 'Grace', phone: '+4915112345678', preferredVoice: null });
    });

    it.each([
      ['a made-up time zone', { timezone: 'Mars/Olympus_Mons' }, 'body.timezone', /IANA time zone/],
      ['a UTC offset as time zone', { timezone: 'GMT+25' }, 'body.timezone', /IANA time zone/],
      ['a national phone number', { phone: '015112345678' }, 'body.phone', /E\.164/],
      ['a phone number with letters', { phone: '+49 151 CALLME' }, 'body.phone', /E\.164/],
      ['a language name', { language: 'German' }, 'body.language', /language tag/],
      ['a language with an underscore', { language: 'de_DE' }, 'body.language', /language tag/],
      ['an empty display name', { displayName: '   ' }, 'body.displayName', /must not be empty/],
      ['a voice name with spaces', { preferredVoice: 'my voice' }, 'body.preferredVoice', /voice name/],
      ['a language of the wrong type', { language: 42 }, 'body.language', /./],
    ])('refuses %s with 400 naming the field and changes nothing', async (_, patch, path, message) => {
      const error = expectError(await patchMe(user.auth, { displayName: 'Should Not Stick', ...patch }), 400, 'validation_failed');
      expect(error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
      expect((await getMe(user.auth).expect(200)).body).toMatchObject(original);
    });

    it('refuses an empty body with 400', async () => {
      for (const res of [await patchMe(user.auth, {}), await t.http.patch('/v1/me').set(user.auth)]) {
        const error = expectError(res, 400, 'validation_failed');
        expect(error.details).toEqual([{ path: 'body', message: 'send at least one field to change' }]);
      }
      expect((await getMe(user.auth).expect(200)).body).toMatchObject(original);
    });

    it.each([
      ['an unknown field', { displayName: 'Mallory', isAdmin: true }, 'isAdmin'],
      ['the email, which cannot change here', { displayName: 'Mallory', email: 'mallory@example.com' }, 'email'],
      ['the id', { displayName: 'Mallory', id: randomUUID() }, 'id'],
    ])('refuses %s with 400 and changes nothing', async (_, patch, field) => {
      const error = expectError(await patchMe(user.auth, patch), 400, 'validation_failed');
      expect(error.details).toEqual([{ path: 'body', message: `unknown field(s): ${field}` }]);
      const after = (await getMe(user.auth).expect(200)).body as Profile;
      expect(after).toMatchObject({ ...original, id: user.session.user.id, email: user.input.email });
    });

    it("changes only the caller's own profile", async () => {
      const other = await registerUser(t, { displayName: 'Bystander' });
      await patchMe(user.auth, { displayName: 'Changed' } satisfies UpdateProfileRequest).expect(200);
      expect((await getMe(other.auth).expect(200)).body).toMatchObject({ displayName: 'Bystander', language: 'en-US', timezone: 'UTC' });
    });
  });

  describe('DELETE', () => {
    it('deletes the account with its conversations, messages and sessions, and signs it out everywhere', async () => {
      const { auth, session, input } = await registerUser(t);
      const bystander = await registerUser(t);
      const conversation = (
        await t.http
          .post('/v1/conversations')
          .set(auth)
          .send({ channel: 'web' } satisfies CreateConversationRequest)
          .expect(201)
      ).body as Conversation;
      await t.http.post(`/v1/conversations/${conversation.id}/messages`).set(auth).send({ id: randomUUID(), role: 'user', text: 'Hello' }).expect(201);
      await t.http
        .post('/v1/conversations')
        .set(bystander.auth)
        .send({ channel: 'web' } satisfies CreateConversationRequest)
        .expect(201);
      const userId = session.user.id;
      expect(await countRows(t.db, 'conversations', 'user_id', userId)).toBe(1);
      expect(await countRows(t.db, 'messages', 'conversation_id', conversation.id)).toBe(1);
      expect(await countRows(t.db, 'refresh_tokens', 'user_id', userId)).toBe(1);

      const res = await t.http.delete('/v1/me').set(auth).expect(204);
      expect(res.text).toBe('');

      expect(await countRows(t.db, 'users', 'id', userId)).toBe(0);
      expect(await countRows(t.db, 'conversations', 'user_id', userId)).toBe(0);
      expect(await countRows(t.db, 'messages', 'conversation_id', conversation.id)).toBe(0);
      expect(await countRows(t.db, 'refresh_tokens', 'user_id', userId)).toBe(0);
      // Nobody else's data goes with it.
      expect(await countRows(t.db, 'conversations', 'user_id', bystander.session.user.id)).toBe(1);
      await getMe(bystander.auth).expect(200);

      const login = await t.http.post('/v1/auth/login').send({ email: input.email, password: input.password } satisfies LoginRequest);
      expectError(login, 401, 'unauthorized', 'Email or password is incorrect');
      expectError(await getMe(auth), 401, 'unauthorized');
      expectError(await t.http.post('/v1/auth/refresh').send({ refreshToken: session.refreshToken } satisfies RefreshRequest), 401, 'unauthorized');
    });

    it('leaves the still-unexpired access token of a deleted account unable to do anything', async () => {
      const { auth } = await registerUser(t);
      await t.http.delete('/v1/me').set(auth).expect(204);
      const gone = 'This account no longer exists: sign in again';
      expectError(await getMe(auth), 401, 'unauthorized', gone);
      expectError(await t.http.patch('/v1/me').set(auth).send({ displayName: 'Ghost' }), 401, 'unauthorized', gone);
      expectError(await t.http.delete('/v1/me').set(auth), 401, 'unauthorized', gone);
      expectError(await t.http.get('/v1/conversations').set(auth), 401, 'unauthorized', gone);
      // Before the account check this was a 500: the insert hit the foreign key to the deleted user.
      expectError(
        await t.http
          .post('/v1/conversations')
          .set(auth)
          .send({ channel: 'web' } satisfies CreateConversationRequest),
        401,
        'unauthorized',
        gone,
      );
    });

    it('frees the email for a new account', async () => {
      const { auth, input, session } = await registerUser(t);
      await t.http.delete('/v1/me').set(auth).expect(204);
      const again = await t.http
        .post('/v1/auth/register')
        .send({ email: input.email, password: input.password } satisfies RegisterRequest)
        .expect(201);
      expect(again.body.user.id).not.toBe(session.user.id);
    });
  });
});
