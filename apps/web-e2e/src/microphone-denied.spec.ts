import { chromium } from '@playwright/test';
import { ChatPage } from './pages/chat.page';
import { CHROMIUM_PATH } from './support/chromium';
import { e2eEnv } from './support/env';
import { registerThroughUi } from './support/flows';
import { expect, test } from './support/test';

// A browser of its own: the suite's auto-accepts the microphone prompt; this one (no
// --use-fake-ui-for-media-stream, no grant) refuses it, as a person clicking "Block" would.
test('a refused microphone is explained, no call is left open, and typing still works', async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-device-for-media-stream'],
  });
  try {
    const context = await browser.newContext({ baseURL: e2eEnv().webUrl });
    const page = await context.newPage();
    await registerThroughUi(page);
    const chat = new ChatPage(page);
    await chat.startCallButton.click();
    await expect(chat.error(/Microphone access was denied/)).toBeVisible();
    // Without the permission the browser names no microphone (it lists one nameless input): the
    // list offers the system default only, not a nameless entry.
    await expect(chat.microphone.locator('option')).toHaveText(['System default']);
    await expect(chat.startCallButton).toBeEnabled();
    await expect(chat.agentState).toHaveText('Idle');

    await chat.message.fill('what are your opening hours');
    await chat.sendButton.click();
    await expect(chat.finalTurns('agent').first()).toContainText(/open/i);
  } finally {
    await browser.close();
  }
});
