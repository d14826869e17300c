import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { ChatPage } from './pages/chat.page';
import { SignedInHeader } from './pages/header';
import { HistoryPage } from './pages/history.page';
import { LoginPage } from './pages/login.page';
import { registerThroughUi } from './support/flows';
import { SCREENSHOTS_DIR } from './support/paths';
import { expect, test } from './support/test';

/**
 * Screenshots of the main pages, for a person to look at. They are written to
 * apps/web-e2e/screenshots/ (kept after the run, git-ignored) and attached to the test's report.
 */
async function shot(page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

/** A phone's width (iPhone 12 to 15: 390 CSS pixels). */
const PHONE = { width: 390, height: 844 };

test('screenshots: the login page, an active call (desktop and phone width), the history page', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await expect(login.signInButton).toBeVisible();
  await expect(login.email).toBeVisible();
  await shot(page, 'login.png');

  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.startCall();
  await expect(chat.agentState).toHaveText(/^(Listening|Thinking|Speaking)$/, { timeout: 30_000 });
  // Something said on both sides: the greeting (or its cut-off part) and what the microphone said.
  await expect(chat.finalTurns('agent').first()).toBeVisible({ timeout: 30_000 });
  await expect(chat.finalTurns('user').first()).toBeVisible({ timeout: 60_000 });
  await shot(page, 'call.png');

  // The same call on a phone: nothing may stick out sideways.
  const desktop = page.viewportSize();
  await page.setViewportSize(PHONE);
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await shot(page, 'call-phone.png');
  if (desktop) await page.setViewportSize(desktop);

  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();

  await new SignedInHeader(page).link('History').click();
  const history = new HistoryPage(page);
  await expect(history.conversations).toHaveCount(1);
  await shot(page, 'history.png');
});
