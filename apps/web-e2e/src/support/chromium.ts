import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium: Playwright's own browser download does not work here, and is never attempted. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * The launch arguments: no sandbox (containers, root), no GPU, no background traffic, and a fake
 * microphone that plays `wav` (in a loop) with the permission prompt auto-accepted.
 */
export function chromiumArgs(wav: string): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ];
}

/** Makes sure Chromium is installed: installs it when running as root, otherwise fails with the command. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing (${CHROMIUM_PATH}). The browser tests drive Debian's Chromium; install it as root with:\n  sudo sh -c '${INSTALL}'`);
  }
  process.stderr.write(`web-e2e: ${CHROMIUM_PATH} is missing; running \`${INSTALL}\`\n`);
  try {
    execFileSync('sh', ['-c', INSTALL], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  } catch (err) {
    throw new Error(`Installing Chromium failed (\`${INSTALL}\`): ${(err as Error).message}`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`\`${INSTALL}\` finished but ${CHROMIUM_PATH} is still missing`);
}
