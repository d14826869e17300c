import { defineConfig } from '@playwright/test';
import { join } from 'node:path';
import { CHROMIUM_PATH, chromiumArgs } from './src/support/chromium';
import { RESULTS_DIR, SPEECH_WAV } from './src/support/paths';

/**
 * Browser tests: Debian's Chromium against the built web app, voice-api and persistence-api
 * (global setup starts all three on a fresh PostgreSQL database). One worker: the tests share
 * the services and the machine, and a voice call is real-time work.
 */
export default defineConfig({
  testDir: join(__dirname, 'src'),
  testMatch: '**/*.spec.ts',
  outputDir: RESULTS_DIR,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  globalSetup: join(__dirname, 'src', 'support', 'global-setup.ts'),
  globalTeardown: join(__dirname, 'src', 'support', 'global-teardown.ts'),
  use: {
    // Set by global setup; the workers (which load this file again) inherit it.
    baseURL: process.env.E2E_WEB_URL,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs(SPEECH_WAV) },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
