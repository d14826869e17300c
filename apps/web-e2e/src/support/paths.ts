import { join, resolve } from 'node:path';

/** The workspace root: every command and build path below is relative to it. */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const E2E_DIR = join(ROOT, 'apps', 'web-e2e');

/** Playwright's outputDir. Playwright empties it before global setup, so setup may write into it. */
export const RESULTS_DIR = join(E2E_DIR, 'test-results');
/**
 * Screenshots of the pages (screenshots.spec.ts), kept after the run: outside RESULTS_DIR, which
 * Playwright empties at the start of every run, and git-ignored. Each is also attached to its test.
 */
export const SCREENSHOTS_DIR = join(E2E_DIR, 'screenshots');
export const LOGS_DIR = join(RESULTS_DIR, 'logs');
/** What global setup started, for global teardown. */
export const STATE_FILE = join(RESULTS_DIR, 'e2e-state.json');
/**
 * The fake microphone's recording. Its path is a launch argument, so the config needs it before
 * global setup runs; global setup writes it, and Playwright launches browsers only after that.
 */
export const SPEECH_WAV = join(RESULTS_DIR, 'speech.wav');

/** The web app's standalone server, as `nx run web:build` leaves it. */
export const WEB_SERVER = join(ROOT, 'apps', 'web', '.next', 'standalone', 'apps', 'web', 'server.js');

/** The build outputs the suite runs, and the command that makes each. */
export const BUILDS = [
  { file: join(ROOT, 'apps', 'persistence-api', 'dist', 'main.js'), build: 'NX_DAEMON=false npx nx run persistence-api:build' },
  { file: join(ROOT, 'apps', 'persistence-api', 'dist', 'database', 'cli.js'), build: 'NX_DAEMON=false npx nx run persistence-api:build' },
  { file: join(ROOT, 'apps', 'voice-api', 'dist', 'main.js'), build: 'NX_DAEMON=false npx nx run voice-api:build' },
  { file: WEB_SERVER, build: 'NX_DAEMON=false npx nx run web:build' },
] as const;
