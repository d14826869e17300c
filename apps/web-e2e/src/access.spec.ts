import { randomUUID } from 'node:crypto';
import { ChatPage } from './pages/chat.page';
import { ConversationPage } from './pages/conversation.page';
import { SignedInHeader } from './pages/header';
import { HistoryPage } from './pages/history.page';
import { LoginPage } from './pages/login.page';
import { registerThroughUi } from './support/flows';
import { expect, newUser, test } from './support/test';

test('signed-out visits to signed-in pages go to the login page, which returns there after signing in', async ({ page }) => {
  for (const path of ['/chat', '/history', `/history/${randomUUID()}`, '/profile']) {
    await page.goto(path);
    await expect(page, `visiting ${path} signed out`).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(path)}$`));
  }

  const user = await registerThroughUi(page);
  await new SignedInHeader(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/history');
  await expect(page).toHaveURL(/\/login\?next=%2Fhistory$/);
  await new LoginPage(page).signIn(user.email, user.password);
  await expect(page).toHaveURL(/\/history$/);
});

test('a wrong password is refused with its message; the right one signs in', async ({ page }) => {
  const user = await registerThroughUi(page);
  await new SignedInHeader(page).signOut();
  await expect(page).toHaveURL(/\/login$/);

  const login = new LoginPage(page);
  await login.signIn(user.email, 'not-the-password-1');
  await expect(login.error(/wrong email or password/i)).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);

  await login.signIn(user.email, user.password);
  await expect(page).toHaveURL(/\/chat$/);
});

test("another user's conversation is not found", async ({ page }) => {
  // User A has a conversation (one typed question) and can open it.
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.send('what are your opening hours');
  await expect(chat.finalTurns('agent').filter({ hasText: /open/i }).first()).toBeVisible({ timeout: 30_000 });
  const header = new SignedInHeader(page);
  await header.link('History').click();
  const history = new HistoryPage(page);
  await expect(history.conversations).toHaveCount(1);
  const id = await history.idOf(history.conversations.first());
  const conversation = new ConversationPage(page);
  await conversation.goto(id);
  await expect(conversation.messages.filter({ hasText: /opening hours/i }).first()).toBeVisible();
  await expect(conversation.notFoundHeading).toHaveCount(0);

  // User B may not.
  await header.signOut();
  await expect(page).toHaveURL(/\/login$/);
  await registerThroughUi(page, newUser());
  // A real 404, not a 200 page that happens to say "not found" (what streaming the page would give).
  expect((await page.goto(`/history/${id}`))?.status()).toBe(404);
  await expect(conversation.notFoundHeading).toBeVisible();
  await expect(conversation.messages).toHaveCount(0);
  await expect(page.getByText(/opening hours/i)).toHaveCount(0);

  // Nor does an id that belongs to nobody, or one that is not an id at all, exist.
  expect((await page.goto(`/history/${randomUUID()}`))?.status()).toBe(404);
  await expect(conversation.notFoundHeading).toBeVisible();
  expect((await page.goto('/history/not-an-id'))?.status()).toBe(404);
  await expect(conversation.notFoundHeading).toBeVisible();
});

