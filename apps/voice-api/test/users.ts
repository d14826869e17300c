import type { ConversationDetail, RegisterRequest, TokenResponse } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';

/** The shared persistence-api the global setup started. */
export function persistenceUrl(): string {
  const url = process.env.VOICE_TEST_PERSISTENCE_URL;
  if (!url)
    throw new Error('VOICE_TEST_PERSISTENCE_URL is unset: run the API tests through apps/voice-api/jest.config.cjs (its global setup starts persistence-api)');
  return url;
}

export interface TestUser {
  userId: string;
  email: string;
  accessToken: string;
  auth: { Authorization: string };
}

/** Registers a fresh user in persistence-api and returns their access token. */
export async function registerUser(baseUrl = persistenceUrl()): Promise<TestUser> {
  const input = { email: `voice-${randomUUID().slice(0, 8)}@example.com`, password: 'correct-horse-42' } satisfies RegisterRequest;
  const res = await fetch(`${baseUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  const session = (await res.json()) as TokenResponse;
  return { userId: session.user.id, email: session.user.email, accessToken: session.accessToken, auth: { Authorization: `Bearer ${session.accessToken}` } };
}

/** The conversation as its owner sees it in persistence-api. */
export async function conversationOf(user: TestUser, id: string, baseUrl = persistenceUrl()): Promise<{ status: number; body: ConversationDetail }> {
  const res = await fetch(`${baseUrl}/v1/conversations/${id}`, { headers: user.auth });
  return { status: res.status, body: (await res.json()) as ConversationDetail };
}

/** Polls until `check` passes (it throws otherwise), failing with its last error. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
