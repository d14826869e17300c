import { randomUUID } from 'node:crypto';
import { ChatPage } from './pages/chat.page';
import { ConversationPage } from './pages/conversation.page';
import { SignedInHeader } from './pages/header';
import { HistoryPage } from './pages/history.page';
import { LoginPage } from './pages/login.page';
import { e2eEnv } from './support/env';
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

test('a return path that a browser would read as another site goes to the chat after signing in', async ({ page }) => {
  const user = await registerThroughUi(page);
  await new SignedInHeader(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
  // "/<tab>/evil.example": the browser drops the tab and would go to //evil.example.
  await page.goto('/login?next=%2F%09%2Fevil.example');
  await new LoginPage(page).signIn(user.email, user.password);
  await expect(page).toHaveURL(/\/chat$/);
  expect(new URL(page.url()).origin).toBe(new URL(e2eEnv().webUrl).origin);
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

test('the session cookie is httpOnly and SameSite=Lax, and its expiry moves on while the session is used', async ({ page, context }) => {
  const sessionCookie = async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'voice_session' || c.name === '__Host-voice_session');
    expect(cookie, 'the session cookie').toBeDefined();
    return cookie as NonNullable<typeof cookie>;
  };
  // The suite's web server: SESSION_IDLE_MINUTES=15.
  const idleSeconds = 15 * 60;
  const signedInAt = Date.now() / 1000;
  await registerThroughUi(page);
  const first = await sessionCookie();
  expect(first).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(first.expires).toBeGreaterThan(signedInAt + idleSeconds - 60);
  expect(first.expires).toBeLessThan(Date.now() / 1000 + idleSeconds + 60);
  expect(await page.evaluate(() => document.cookie)).not.toContain('voice_session');

  // Using the session slides its server-side idle limit; the cookie's expiry follows it.
  await page.waitForTimeout(3_000);
  await page.goto('/history');
  await expect(page).toHaveURL(/\/history$/);
  const later = await sessionCookie();
  expect(later.value).toBe(first.value);
  expect(later).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(later.expires).toBeGreaterThanOrEqual(first.expires + 2);

  // Signing out removes it.
  await new SignedInHeader(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
  expect((await context.cookies()).filter((c) => c.name.endsWith('voice_session'))).toEqual([]);
});
