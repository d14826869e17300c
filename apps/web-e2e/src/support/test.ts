import { test as base, expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { e2eEnv } from './env';
import { alive } from '@voice/testing';
import { exitFile } from './processes';
import { readState } from './state';

export { expect };

export interface TestUserInput {
  email: string;
  password: string;
  displayName: string;
}

/** A user nobody has registered yet. */
export function newUser(): TestUserInput {
  const id = randomUUID().slice(0, 8);
  return { email: `e2e-${id}@example.com`, password: 'correct-horse-42', displayName: `E2E ${id}` };
}

/**
 * Playwright's test with the web origin allowed to use the (fake) microphone. Chromium's
 * `--use-fake-ui-for-media-stream` would accept the prompt anyway; the grant is what a person who
 * clicked "Allow" has.
 */
export const test = base.extend<{ servicesRunning: void }>({
  context: async ({ context }, use) => {
    await context.grantPermissions(['microphone'], { origin: new URL(e2eEnv().webUrl).origin });
    await use(context);
  },
  // Before each test: every service global setup started is still running. If one is gone, the
  // test would fail in some unrelated-looking way; say what actually happened instead.
  servicesRunning: [
    async ({ browserName: _ }, use) => {
      const gone = (readState()?.children ?? []).filter((c) => !alive(c.pid));
      if (gone.length) {
        const why = gone.map((c) => (existsSync(exitFile(c.name)) ? readFileSync(exitFile(c.name), 'utf8').trim() : `${c.name} (pid ${c.pid}) is not running`));
        throw new Error(`a service the browser tests need has stopped:\n${why.join('\n')}\n(logs: apps/web-e2e/test-results/logs/)`);
      }
      await use();
    },
    { auto: true },
  ],
});
