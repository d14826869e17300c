import { ChatPage } from './pages/chat.page';
import { registerThroughUi } from './support/flows';
import { SPEECH_WAV } from './support/paths';
import { speechLoopSeconds } from './support/speech';
import { expect, test } from './support/test';

/** Speech, as the meter shows it: espeak-ng's sentence is far above this, its padding is digital silence. */
const SPEAKING = 0.02;

test('the microphones are listed by name, the chosen one is heard, its level shows, and interim words come before the final ones', async ({ page }) => {
  const loopMs = speechLoopSeconds(SPEECH_WAV) * 1000;
  await registerThroughUi(page);
  const chat = new ChatPage(page);

  // The microphone permission is granted, so the list names Chromium's fake microphones before any
  // call ("System default" stands for the "default" alias, which is not listed twice).
  await expect(chat.microphone.locator('option')).toHaveText(['System default', 'Fake Audio Input 1', 'Fake Audio Input 2']);
  await chat.microphone.selectOption({ label: 'Fake Audio Input 1' });
  await expect(chat.microphone).not.toHaveValue('');

  await chat.recordTurns();
  await chat.startCall();
  await expect(chat.microphone.locator('option:checked')).toHaveText('Fake Audio Input 1');

  // The meter moves while the microphone speaks.
  await chat.trackMaxLevel();
  await expect.poll(() => chat.maxLevel(), { timeout: loopMs + 5_000, message: 'the level meter while the fake microphone speaks' }).toBeGreaterThan(SPEAKING);

  // What it said is recognised: interim words first (data-final="false"), then the final turn.
  await expect(chat.finalTurns('user').filter({ hasText: /smith/i }).first()).toBeVisible({ timeout: 60_000 });
  const recorded = await chat.recordedTurns();
  const interims = recorded.filter((t) => t.role === 'user' && !t.final && t.text.trim() && t.text !== '…');
  expect(interims.length, `interim caller turns among ${JSON.stringify(recorded)}`).toBeGreaterThan(0);
  const firstFinal = recorded.findIndex((t) => t.role === 'user' && t.final);
  expect(recorded.findIndex((t) => t.role === 'user' && !t.final && t.text.trim() !== '')).toBeLessThan(firstFinal);

  // Muted, the meter drops to zero and stays there through a whole pass of the recording.
  await chat.mute();
  await expect.poll(() => chat.level(), { message: 'the level meter once muted' }).toBe(0);
  await chat.trackMaxLevel();
  await page.waitForTimeout(loopMs + 1_000);
  expect(await chat.maxLevel()).toBe(0);

  // Another microphone can be chosen during the call; it is heard (unmuted) at once.
  await chat.muteButton.click();
  await expect(chat.muteButton).toHaveText('Mute');
  await chat.microphone.selectOption({ label: 'Fake Audio Input 2' });
  await chat.trackMaxLevel();
  await expect
    .poll(() => chat.maxLevel(), { timeout: loopMs + 5_000, message: 'the level meter after switching microphones mid-call' })
    .toBeGreaterThan(SPEAKING);
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
});

test('a call ended while muted leaves the next call unmuted: the button says Mute and the microphone is heard', async ({ page }) => {
  const loopMs = speechLoopSeconds(SPEECH_WAV) * 1000;
  await registerThroughUi(page);
  const chat = new ChatPage(page);

  await chat.startCall();
  await chat.mute();
  await expect(chat.muteButton).toHaveAttribute('aria-pressed', 'true');
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
  await expect(chat.muteButton).toHaveText('Mute');

  await chat.recordTurns();
  await chat.startCall();
  await expect(chat.muteButton).toHaveText('Mute');
  await expect(chat.muteButton).toHaveAttribute('aria-pressed', 'false');
  await chat.trackMaxLevel();
  await expect.poll(() => chat.maxLevel(), { timeout: loopMs + 5_000, message: 'the level meter of the new call' }).toBeGreaterThan(SPEAKING);
  await expect(chat.finalTurns('user').filter({ hasText: /smith/i }).first()).toBeVisible({ timeout: 60_000 });

  // And muting it still works: nothing is heard.
  await chat.muteButton.click();
  await expect.poll(() => chat.level()).toBe(0);
  await chat.endCallButton.click();
});

test('leaving the page during a call asks first; staying keeps the call, and after it ends the page leaves without asking', async ({ page }) => {
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.startCall();

  const asked = page.waitForEvent('dialog');
  // Reloading from the page itself: the script waits while the browser asks, and goes on when the answer is to stay.
  const reload = page.evaluate(() => location.reload()).catch(() => undefined);
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();
  await reload;
  // Staying: the call goes on.
  await expect(chat.endCallButton).toBeVisible();
  await expect(chat.agentState).not.toHaveText('Idle');

  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.dismiss();
  });
  await page.reload();
  await expect(chat.startCallButton).toBeVisible();
  expect(dialogs).toEqual([]);
});
