import { writeFileSync } from 'node:fs';
import { ChatPage, type SeenTurn } from './pages/chat.page';
import { ConversationPage } from './pages/conversation.page';
import { SignedInHeader } from './pages/header';
import { HistoryPage } from './pages/history.page';
import { LoginPage } from './pages/login.page';
import { e2eEnv } from './support/env';
import { missingInOrder, registerThroughUi, wordsInOrder } from './support/flows';
import { expect, test } from './support/test';

test('a spoken booking request reaches the scheduler, its answer is played, and the call is in the history', async ({ page }) => {
  const { bookingDay } = e2eEnv();
  const user = await registerThroughUi(page);
  const header = new SignedInHeader(page);

  await header.signOut();
  await expect(page).toHaveURL(/\/login$/);
  const login = new LoginPage(page);
  await login.signIn(user.email, user.password);
  await expect(page).toHaveURL(/\/chat$/);

  const chat = new ChatPage(page);
  await expect(chat.agentState).toHaveText('Idle');
  await chat.startCall();
  await expect(chat.startCallButton).toHaveCount(0);
  await expect(chat.agentState).toHaveText(/^(Connecting|Listening|Thinking|Speaking)$/);
  // The microphones by name ("System default" alone would always be there).
  await expect(chat.microphone.locator('option', { hasText: 'Fake Audio Input 1' })).toHaveCount(1);
  await expect(chat.levelMeter).toBeVisible();

  // The fake microphone says "I would like to book an appointment with doctor Alice Smith on <day>"
  // (once per loop of the recording, so a misheard pass is followed by another).
  const day = new RegExp(bookingDay, 'i');
  const isRequest = (t: SeenTurn) => t.role === 'user' && t.final && /smith/i.test(t.text) && day.test(t.text);
  await expect(chat.finalTurns('user').filter({ hasText: /smith/i }).filter({ hasText: day }).first()).toBeVisible({ timeout: 60_000 });

  // The answer is played while the agent speaks, not just shown.
  await expect(chat.agentState).toHaveText('Speaking', { timeout: 30_000 });
  const playedWhenSpeaking = await chat.playedSamples();
  await expect
    .poll(() => chat.playedSamples(), { timeout: 15_000, message: 'data-played-samples grows while the agent speaks' })
    .toBeGreaterThan(playedWhenSpeaking);
  expect(await chat.playedSamples()).toBeGreaterThan(0);

  // The answer to that request (the first final agent turn after it) names the doctor; the scheduler gave it.
  const answer = async () => {
    const turns = await chat.seenTurns();
    const asked = turns.findIndex(isRequest);
    return turns.slice(asked + 1).find((t) => t.role === 'agent' && t.final) ?? null;
  };
  await expect
    .poll(async () => (await answer())?.text, { timeout: 30_000, message: 'the agent turn answering the booking request' })
    .toMatch(/Dr\. Alice Smith/);
  await expect(chat.agentName).toHaveText(/scheduler/i);
  const offer = (await answer()) as SeenTurn;
  expect(offer.latency).toMatch(/^\d+ ms$/);

  await chat.endCallButton.click();
  await expect(chat.startCallButton).toBeVisible();
  await expect(chat.agentState).toHaveText('Idle');
  // Every final turn, the caller's and the agents', must be in the stored conversation, in order.
  const turns = await chat.seenTurns();
  writeFileSync(test.info().outputPath('chat-turns.json'), JSON.stringify(turns, null, 2));
  const seen = turns.filter((t) => t.final);
  expect(seen.some(isRequest)).toBe(true);

  await header.link('History').click();
  await expect(page).toHaveURL(/\/history$/);
  const history = new HistoryPage(page);
  await expect(history.conversations).toHaveCount(1);
  await history.conversations.first().click();
  await expect(page).toHaveURL(/\/history\/[^/?#]+$/);

  // The transcript is stored asynchronously (voice-api's outbox): reload until every turn is there.
  const conversation = new ConversationPage(page);
  await expect(async () => {
    await page.reload();
    expect(missingInOrder(seen, await conversation.seenMessages())).toBeUndefined();
  }).toPass({ timeout: 30_000 });
  const messages = await conversation.seenMessages();
  writeFileSync(test.info().outputPath('history-messages.json'), JSON.stringify(messages, null, 2));
  // The stored answer names the agent that gave it.
  expect(messages.find((m) => m.role === 'agent' && wordsInOrder(offer.text, m.text))?.text).toMatch(/scheduler/i);
});
