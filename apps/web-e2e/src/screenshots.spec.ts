import { join } from 'node:path';
import { ChatPage } from './pages/chat.page';
import { SignedInHeader } from './pages/header';
import { HistoryPage } from './pages/history.page';
import { LoginPage } from './pages/login.page';
import { registerThroughUi } from './support/flows';
import { SCREENSHOTS_DIR } from './support/paths';
import { expect, test } from './support/test';

const shot = (name: string) => ({ path: join(SCREENSHOTS_DIR, name), fullPage: true });

test('screenshots: the login page, an active call, the history page', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await expect(login.signInButton).toBeVisible();
  await expect(login.email).toBeVisible();
  await page.screenshot(shot('login.png'));

  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.startCallButton.click();
  await expect(chat.endCallButton).toBeVisible();
  await expect(chat.agentState).toHaveText(/^(Listening|Thinking|Speaking)$/, { timeout: 30_000 });
  // Something said on both sides: the greeting (or its cut-off part) and what the microphone said.
  await expect(chat.finalTurns('agent').first()).toBeVisible({ timeout: 30_000 });
  await expect(chat.finalTurns('user').first()).toBeVisible({ timeout: 60_000 });
  await page.screenshot(shot('call.png'));
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();

  await new SignedInHeader(page).link('History').click();
  const history = new HistoryPage(page);
  await expect(history.conversations).toHaveCount(1);
  await page.screenshot(shot('history.png'));
});
