import type { Conversation, CreateConversationRequest, TokenResponse } from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import { HistoryPage } from './pages/history.page';
import { e2eEnv } from './support/env';
import { registerThroughUi } from './support/flows';
import { expect, test } from './support/test';

/** The user's history, written the way voice-api and the phone channel would write it, through persistence-api. */
async function seedHistory(email: string, password: string) {
  const base = e2eEnv().persistenceUrl;
  const login = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { accessToken } = (await login.json()) as TokenResponse;
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const create = async (input: CreateConversationRequest, said: string) => {
    const res = await fetch(`${base}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify(input) });
    expect(res.status).toBe(201);
    const c = (await res.json()) as Conversation;
    await fetch(`${base}/v1/conversations/${c.id}/messages`, { method: 'POST', headers, body: JSON.stringify({ id: randomUUID(), role: 'user', text: said }) });
    return c;
  };
  for (let i = 0; i < 22; i++) await create({ channel: 'web', agent: 'receptionist', title: `Web call ${i}` }, `question number ${i}`);
  await create({ channel: 'phone', agent: 'billing', title: 'Phone call about a bill' }, 'why is my invoice so high');
}

test('history pages through every conversation, newest first, and filters by channel, agent and words said', async ({ page }) => {
  const user = await registerThroughUi(page);
  await seedHistory(user.email, user.password);
  const history = new HistoryPage(page);
  await history.goto();

  await expect(history.conversations).toHaveCount(20);
  await expect(history.conversations.first()).toContainText('Phone call about a bill');
  await history.olderLink.click();
  await expect(history.conversations).toHaveCount(3);
  await expect(history.conversations.last()).toContainText('Web call 0');
  await expect(history.olderLink).toHaveCount(0);
  await history.newerLink.click();
  await expect(history.conversations).toHaveCount(20);

  await history.channel.selectOption('phone');
  await history.applyButton.click();
  await expect(page).toHaveURL(/channel=phone/);
  await expect(history.conversations).toHaveCount(1);
  await expect(history.conversations.first()).toContainText('Phone call about a bill');

  await history.channel.selectOption('');
  await history.agent.selectOption('receptionist');
  await history.search.fill('number 7');
  await history.applyButton.click();
  await expect(history.conversations).toHaveCount(1);
  await expect(history.conversations.first()).toContainText('Web call 7');

  await history.agent.selectOption('');
  await history.search.fill('');
  await history.from.fill('2020-01-02');
  await history.to.fill('2020-01-01');
  await history.applyButton.click();
  await expect(page.getByRole('alert').filter({ hasText: /must not be after/ })).toBeVisible();
});
