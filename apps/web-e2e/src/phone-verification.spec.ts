import type { AppendMessageRequest, CreateConversationRequest } from '@voice/contracts/persistence';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import { HistoryPage } from './pages/history.page';
import { e2eEnv } from './support/env';
import { registerThroughUi } from './support/flows';
import { LOGS_DIR } from './support/paths';
import { expect, test } from './support/test';

/**
 * persistence-api runs here without an SMS provider (development), so it prints each code to its
 * console marked development-only: the test reads the code from persistence-api's log, as a developer would.
 */
function codeSentTo(phone: string): string | undefined {
  const log = readFileSync(join(LOGS_DIR, 'persistence-api.log'), 'utf8');
  const lines = log.split('\n').filter((l) => l.includes('DEVELOPMENT ONLY') && l.includes(phone));
  return /(\d{6}) is your verification code/.exec(lines.at(-1) ?? '')?.[1];
}

/** A call from the number with one turn, recorded as voice-api records one (its service credential, channel phone). */
async function callFrom(phone: string): Promise<string> {
  const token = await fetch(`${e2eEnv().persistenceUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'voice-api', client_secret: e2eEnv().voiceApiClientSecret }),
  });
  expect(token.status).toBe(200);
  const { access_token } = (await token.json()) as { access_token: string };
  const res = await fetch(`${e2eEnv().persistenceUrl}/v1/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'phone', externalParty: phone, title: 'Call from my phone' } satisfies CreateConversationRequest),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  // The history lists conversations with something said in them.
  const said = await fetch(`${e2eEnv().persistenceUrl}/v1/conversations/${id}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomUUID(), role: 'user', text: 'Hello, I am calling from my phone' } satisfies AppendMessageRequest),
  });
  expect(said.status).toBe(201);
  return id;
}

test('a person verifies their phone number with the SMS code, and a call from it joins their history', async ({ page }) => {
  await registerThroughUi(page);
  const phone = `+1555${randomInt(1_000_000, 9_999_999)}`;
  const earlierCall = await callFrom(phone);

  await page.goto('/profile');
  const card = page.getByRole('form', { name: 'Phone number for calls' });
  await card.getByLabel('Phone number to verify').fill('0151 123');
  await card.getByRole('button', { name: 'Send code' }).click();
  await expect(card.getByRole('alert')).toContainText('international form');

  await card.getByLabel('Phone number to verify').fill(phone);
  await card.getByRole('button', { name: 'Send code' }).click();
  await expect(card.getByRole('status')).toContainText(`sent a 6-digit code to ${phone}`);
  await expect.poll(() => codeSentTo(phone)).toMatch(/^\d{6}$/);
  const code = codeSentTo(phone)!;

  await card.getByLabel('Code from the SMS').fill(code === '000000' ? '111111' : '000000');
  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card.getByRole('alert')).toContainText('4 tries left');

  await card.getByLabel('Code from the SMS').fill(code);
  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card.getByTestId('phone-verified')).toContainText(`${phone} is verified`);
  await page.reload();
  await expect(page.getByTestId('phone-verified')).toContainText(`${phone} is verified`);

  const laterCall = await callFrom(phone);
  const history = new HistoryPage(page);
  await history.goto();
  await expect(history.conversations).toHaveCount(2);
  const shown = await Promise.all((await history.conversations.all()).map((entry) => history.idOf(entry)));
  expect(shown.sort()).toEqual([earlierCall, laterCall].sort());
});
