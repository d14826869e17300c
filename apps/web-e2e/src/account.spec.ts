import type { TokenResponse } from '@voice/contracts/persistence';
import { ChatPage } from './pages/chat.page';
import { ConversationPage } from './pages/conversation.page';
import { HistoryPage } from './pages/history.page';
import { e2eEnv } from './support/env';
import { RegisterPage } from './pages/register.page';
import { registerThroughUi } from './support/flows';
import { expect, newUser, test } from './support/test';

/** The same user's bearer token, straight from persistence-api (as another device of theirs would have). */
async function tokenOf(email: string, password: string): Promise<string> {
  const res = await fetch(`${e2eEnv().persistenceUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as TokenResponse).accessToken;
}

test('at the call cap the chat page says so instead of hanging, and a call starts again once one ends', async ({ page }) => {
  const user = await registerThroughUi(page);
  const token = await tokenOf(user.email, user.password);
  const open: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${e2eEnv().voiceUrl}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(201);
    open.push(((await res.json()) as { id: string }).id);
  }
  const chat = new ChatPage(page);
  await chat.startCallButton.click();
  await expect(chat.error(/most calls open at once/)).toBeVisible();
  await expect(chat.startCallButton).toBeEnabled();
  await expect(chat.agentState).toHaveText('Idle');

  await fetch(`${e2eEnv().voiceUrl}/v1/sessions/${open[0]}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  await chat.startCall();
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
});

test('a conversation is deleted only after confirming, and is gone from the history', async ({ page }) => {
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.message.fill('what are your opening hours');
  await chat.sendButton.click();
  await expect(chat.finalTurns('agent').first()).toContainText(/open/i);
  await chat.endCallButton.click();

  const history = new HistoryPage(page);
  await history.goto();
  await expect(page.getByTestId('conversation')).toHaveCount(1);
  await page.getByTestId('conversation').first().click();
  const conversation = new ConversationPage(page);
  await expect(conversation.messages.first()).toContainText('what are your opening hours');

  await conversation.deleteConversationButton.click();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(conversation.messages.first()).toBeVisible();
  await conversation.delete();
  await expect(page).toHaveURL(/\/history$/);
  await expect(page.getByTestId('conversation')).toHaveCount(0);
});

test('the profile saves valid changes, names the bad field, and deleting the account signs out for good', async ({ page }) => {
  const user = await registerThroughUi(page);
  await page.goto('/profile');
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Timezone').fill('Europe/London');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await expect(page.getByLabel('Display name')).toHaveValue('Ada Lovelace');
  await expect(page.getByLabel('Timezone')).toHaveValue('Europe/London');

  await page.getByLabel('Timezone').fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#field-timezone-error')).toBeVisible();

  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page).toHaveURL(/\/register$/);
  const res = await fetch(`${e2eEnv().persistenceUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  expect(res.status).toBe(401);
});

test('a saved display name stays in the form and greets on /chat at once; a refused save keeps every edit', async ({ page }) => {
  await registerThroughUi(page);
  await page.goto('/profile');
  const displayName = page.getByLabel('Display name');
  const timezone = page.getByLabel('Timezone');
  const phone = page.getByLabel('Phone', { exact: true });
  await displayName.fill('Grace Hopper');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  // No reload: the form shows what was saved, not the name it was opened with.
  await expect(displayName).toHaveValue('Grace Hopper');

  // The chat page greets with the new name without signing in again.
  await page.getByRole('link', { name: 'Chat', exact: true }).click();
  await expect(page.getByText(/^Hello Grace Hopper\./)).toBeVisible();

  // One bad field: the error names it, and the other edits of the same save are still there to fix and resend.
  await page.goto('/profile');
  await displayName.fill('Grace Brewster Hopper');
  await phone.fill('+4915112345678');
  await timezone.fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#field-timezone-error')).toBeVisible();
  await expect(displayName).toHaveValue('Grace Brewster Hopper');
  await expect(phone).toHaveValue('+4915112345678');
  await expect(timezone).toHaveValue('Mars/Olympus');
  await timezone.fill('Europe/Berlin');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await expect(displayName).toHaveValue('Grace Brewster Hopper');
  await expect(phone).toHaveValue('+4915112345678');
  await expect(timezone).toHaveValue('Europe/Berlin');
});

test('registration names a weak password and a taken email next to their fields', async ({ page }) => {
  const register = new RegisterPage(page);
  await register.goto();
  await register.register({ ...newUser(), password: 'short' });
  await expect(page.locator('#field-password-error')).toContainText(/at least 10 characters/);
  await expect(page).toHaveURL(/\/register$/);

  const taken = await registerThroughUi(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await register.goto();
  await register.register(taken);
  await expect(page.locator('#field-email-error')).toContainText(/already exists/);
});

test('form errors speak to a person: an invalid email, a missing password, a time zone that does not exist', async ({ page }) => {
  const register = new RegisterPage(page);
  await register.goto();
  await register.register({ ...newUser(), email: 'not-an-email' });
  await expect(page.locator('#field-email-error')).toHaveText('Enter a valid email address.');

  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill('someone@example.com');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#field-password-error')).toHaveText('Enter your password.');

  await registerThroughUi(page);
  await page.goto('/profile');
  await page.getByLabel('Timezone').fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#field-timezone-error')).toHaveText('Enter an IANA time zone such as "Europe/Berlin".');
});
