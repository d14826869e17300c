import { ChatPage } from './pages/chat.page';
import { registerThroughUi } from './support/flows';
import { expect, test } from './support/test';

test('on a 390 px wide phone the message box is on screen, with and without a transcript', async ({ page }) => {
  // An iPhone 12's viewport in its browser (the screen is 390 × 844; the browser's bars take the rest).
  await page.setViewportSize({ width: 390, height: 664 });
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await expect(chat.message).toBeInViewport({ ratio: 1 });
  await expect(chat.sendButton).toBeInViewport({ ratio: 1 });
  await chat.send('what are your opening hours');
  await expect(chat.finalTurns('agent').first()).toBeVisible({ timeout: 30_000 });
  await chat.send('how much do I owe');
  await expect(chat.finalTurns('agent').nth(1)).toBeVisible({ timeout: 30_000 });
  await expect(chat.message).toBeInViewport({ ratio: 1 });
  await expect(chat.sendButton).toBeInViewport({ ratio: 1 });
  await chat.endCallButton.click();
});
