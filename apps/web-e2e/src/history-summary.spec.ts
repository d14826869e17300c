import type { Conversation, TokenResponse } from '@voice/contracts/persistence';
import { ChatPage } from './pages/chat.page';
import { ConversationPage } from './pages/conversation.page';
import { HistoryPage } from './pages/history.page';
import { e2eEnv } from './support/env';
import { registerThroughUi } from './support/flows';
import { expect, test } from './support/test';

const ZONE = 'Asia/Tokyo';
/** A time as the user in ZONE reads it, e.g. "21:05". */
const inZone = (iso: string, seconds = false) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(new Date(iso));

test('history titles a call by its first request, names the agents who answered, leaves out calls where nothing was said, and speaks in the profile time zone', async ({
  page,
}) => {
  const user = await registerThroughUi(page);
  await page.goto('/profile');
  await page.getByLabel('Timezone').fill(ZONE);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');

  // A call in which nothing was said (opened and left), as persistence-api holds it.
  const { persistenceUrl } = e2eEnv();
  const login = await fetch(`${persistenceUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  const { accessToken } = (await login.json()) as TokenResponse;
  const empty = await fetch(`${persistenceUrl}/v1/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'web' }),
  });
  expect(empty.status).toBe(201);

  // A booking request: the receptionist hands it to the scheduler, who answers.
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.send('I would like to book an appointment with doctor Alice Smith on Monday');
  await expect(
    chat
      .finalTurns('agent')
      .filter({ hasText: /Alice Smith/ })
      .first(),
  ).toBeVisible({ timeout: 30_000 });
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();

  const history = new HistoryPage(page);
  await expect(async () => {
    await history.goto();
    await expect(history.conversations).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const entry = history.conversations.first();
  await expect(entry).toContainText('I would like to book an appointment with doctor Alice Smith on Monday');
  await expect(entry).toContainText('Scheduler');
  await expect(entry).not.toContainText('Call with the receptionist');

  const id = await history.idOf(entry);
  const detail = await fetch(`${persistenceUrl}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${accessToken}` } });
  const conversation = (await detail.json()) as Conversation;
  await expect(entry).toContainText(`${inZone(conversation.startedAt)} GMT+9`);

  // The conversation: the same title, capitalised speakers, and "ended" once, at the user's time.
  await entry.click();
  const messages = new ConversationPage(page).messages;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('I would like to book an appointment with doctor Alice Smith on Monday');
  await expect(
    messages
      .filter({ hasText: /Alice Smith/ })
      .last()
      .locator('.speaker'),
  ).toHaveText('Scheduler');
  await expect(messages.first().locator('.speaker')).toHaveText('You');
  const meta = page.getByTestId('conversation-meta');
  await expect(meta).toContainText(`${inZone(conversation.startedAt)} GMT+9`);
  await expect(meta).toContainText('with Scheduler');
  await expect(async () => {
    await page.reload();
    const ended = (await (
      await fetch(`${persistenceUrl}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${accessToken}` } })
    ).json()) as Conversation;
    expect(ended.endedAt).not.toBeNull();
    await expect(meta).toContainText(`ended at ${inZone(ended.endedAt as string, true)}`, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  expect((await meta.textContent())?.match(/ended/gi)).toHaveLength(1);
});
