import { ChatPage } from './pages/chat.page';
import { registerThroughUi } from './support/flows';
import { bookingDay } from './support/speech';
import { SpokenMicrophone } from './support/spoken-microphone';
import { expect, test } from './support/test';

/**
 * Issue 14: a caller books by voice with words no other test, benchmark phrase or grammar tuning
 * used (a phrasing, doctor, hour and voice of their own), and the agent confirms before it books.
 */
test('a caller books by voice in words of their own: the agent confirms, the caller says yes, it is booked', async ({ page }) => {
  const microphone = await SpokenMicrophone.install(page);
  await registerThroughUi(page);
  const chat = new ChatPage(page);
  const day = bookingDay();
  await chat.startCall();
  // The agent greets first; the caller waits for it, as a person would.
  await expect(chat.finalTurns('agent').first()).toBeVisible({ timeout: 30_000 });
  await expect(chat.agentState).toHaveText('Listening', { timeout: 30_000 });

  await microphone.say(`Good afternoon, could I get an appointment with Doctor Carmen Lopez on ${day} at three`, 'en-us+m2', 160);
  const question = chat.finalTurns('agent').filter({ hasText: /shall I book it\?/ });
  await expect(question.first()).toBeVisible({ timeout: 30_000 });
  await expect(question.first()).toContainText(/Dr\. Carmen Lopez/);
  await expect(question.first()).toContainText(new RegExp(`${day}|tomorrow|today`, 'i'));
  await expect(question.first()).toContainText(/3 ?PM|three/i);
  // Nothing is booked before the caller says yes.
  await expect(chat.finalTurns('agent').filter({ hasText: /booked/i })).toHaveCount(0);

  await expect(chat.agentState).toHaveText('Listening', { timeout: 30_000 });
  await microphone.say('Yes, book it', 'en-us+m2', 160);
  await expect(
    chat
      .finalTurns('agent')
      .filter({ hasText: /You're booked with Dr\. Carmen Lopez/ })
      .first(),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    chat
      .finalTurns('agent')
      .filter({ hasText: /You're booked/ })
      .first(),
  ).toContainText(/3 ?PM|3:00/i);
  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
});
