import { ChatPage } from './pages/chat.page';
import { registerThroughUi } from './support/flows';
import { expect, test } from './support/test';

test('the page sends its start message before any microphone audio, and shows no protocol message', async ({ page }) => {
  // What the page and voice-api say to each other, recorded on the way (both ends are the real ones).
  // voice-api's first event, `ready`, is held back a second, as a slow network would: the page may
  // not send the microphone's audio meanwhile, since its start message waits for `ready`.
  const fromPage: ('audio' | string)[] = [];
  const fromServer: string[] = [];
  await page.routeWebSocket(/\/v1\/media/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      fromPage.push(typeof m === 'string' ? m : 'audio');
      server.send(m);
    });
    let delivered = Promise.resolve();
    server.onMessage((m) => {
      const first = fromServer.length === 0 && typeof m === 'string';
      if (typeof m === 'string') fromServer.push(m);
      delivered = delivered.then(async () => {
        if (first) await new Promise((resolve) => setTimeout(resolve, 1_000));
        ws.send(m);
      });
    });
  });
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.startCall();
  // The greeting, and then the caller's words (the fake microphone's) heard: audio has flowed.
  await expect(chat.finalTurns('user').first()).toBeVisible({ timeout: 60_000 });

  const start = fromPage.findIndex((m) => m !== 'audio' && (JSON.parse(m) as { type: string }).type === 'start');
  expect(start, 'the page sent {"type":"start"}').toBeGreaterThanOrEqual(0);
  expect(fromPage.indexOf('audio'), 'the first audio frame comes after the start message').toBeGreaterThan(start);
  expect(fromServer.filter((m) => (JSON.parse(m) as { type: string }).type === 'error')).toEqual([]);
  await expect(page.getByRole('alert').filter({ hasText: /\{|type|frame/ })).toHaveCount(0);
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
});
