import { ChatPage } from './pages/chat.page';
import { registerThroughUi } from './support/flows';
import { SPEECH_WAV } from './support/paths';
import { speechLoopSeconds } from './support/speech';
import { expect, test } from './support/test';

test('a typed question without a call gets a typed answer, and the microphone stays off', async ({ page }) => {
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await expect(chat.startCallButton).toBeVisible();

  await chat.send('what are your opening hours');
  await expect(chat.finalTurns('user').filter({ hasText: /what are your opening hours/i })).toHaveCount(1);

  const answer = async () => {
    const turns = (await chat.seenTurns()).filter((t) => t.final);
    const asked = turns.findIndex((t) => t.role === 'user' && /opening hours/i.test(t.text));
    return turns.slice(asked + 1).find((t) => t.role === 'agent')?.text ?? '';
  };
  await expect.poll(answer, { timeout: 30_000, message: 'the agent turn after the question' }).toMatch(/open/i);

  // A text-only call does not listen: the fake microphone says its booking request once per loop
  // of the recording, and none of it may turn up as a user turn within a whole loop (plus the
  // time to recognise it).
  await page.waitForTimeout((speechLoopSeconds(SPEECH_WAV) + 3) * 1000);
  const userTurns = (await chat.seenTurns()).filter((t) => t.role === 'user');
  expect(userTurns).toHaveLength(1);
  expect(userTurns[0].text).toMatch(/what are your opening hours/i);
  expect(userTurns[0].text).not.toMatch(/smith|appointment/i);
});

test('a message typed during a muted voice call is answered in the same call and stored in the same conversation', async ({ page }) => {
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  await chat.startCall();
  // Muted, the looping fake microphone sends silence: nothing it says may cut the typed exchange short.
  await chat.mute();
  // The greeting plays first; the typed question then goes into the same session.
  await expect(chat.finalTurns('agent').first()).toContainText(/How can I help/);
  await chat.send('how much do I owe');
  await expect(chat.finalTurns('user').filter({ hasText: 'how much do I owe' })).toHaveCount(1);
  await expect(
    chat
      .finalTurns('agent')
      .filter({ hasText: /balance/i })
      .first(),
  ).toBeVisible({ timeout: 30_000 });
  await page.waitForTimeout((speechLoopSeconds(SPEECH_WAV) + 3) * 1000);
  expect((await chat.seenTurns()).filter((t) => t.role === 'user').map((t) => t.text)).toEqual([expect.stringMatching(/how much do I owe/)]);
  await chat.endCallButton.click();

  await page.goto('/history');
  await expect(page.getByTestId('conversation')).toHaveCount(1);
  await page.getByTestId('conversation').first().click();
  await expect(page.getByTestId('message').filter({ hasText: 'how much do I owe' })).toHaveCount(1);
  await expect(page.getByTestId('message').filter({ hasText: /Hello, thank you for calling/ })).toHaveCount(1);
  await expect(
    page
      .getByTestId('message')
      .filter({ hasText: /balance/i })
      .first(),
  ).toContainText(/billing/i);
});
