import type { Page } from '@playwright/test';
import { RegisterPage } from '../pages/register.page';
import { expect, newUser, type TestUserInput } from './test';

/** Registers a fresh user through /register; the app signs them in and opens /chat. */
export async function registerThroughUi(page: Page, user: TestUserInput = newUser()): Promise<TestUserInput> {
  const register = new RegisterPage(page);
  await register.goto();
  await register.register(user);
  await expect(page).toHaveURL(/\/chat$/);
  return user;
}

/** The words of a text, lower-case, without punctuation. */
const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Whether `needle`'s words occur in `haystack`'s in order (other words, such as a time or a speaker, may come between). */
export function wordsInOrder(needle: string, haystack: string): boolean {
  const hay = words(haystack);
  let at = 0;
  for (const word of words(needle)) {
    at = hay.indexOf(word, at);
    if (at < 0) return false;
    at += 1;
  }
  return true;
}

/**
 * Checks that every turn appears among the messages, same role, in the same order. A stored
 * message shows more than the words (speaker, agent, time, marks, latency), so "appears" means
 * the turn's words occur in the message's in order. Returns what is missing, or undefined.
 */
export function missingInOrder(turns: { role: string; text: string }[], messages: { role: string; text: string }[]): string | undefined {
  let from = 0;
  for (const turn of turns) {
    const at = messages.findIndex((m, i) => i >= from && m.role === turn.role && wordsInOrder(turn.text, m.text));
    if (at < 0) {
      return `the ${turn.role} turn "${turn.text}" is not among the messages from position ${from} on: ${JSON.stringify(messages.slice(from))}`;
    }
    from = at + 1;
  }
  return undefined;
}
