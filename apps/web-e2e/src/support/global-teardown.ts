import { rmSync } from 'node:fs';
import { dropDatabase, stopPid } from '@voice/testing';
import { markStopping } from './processes';
import { readState } from './state';

/** Stops what global setup started (web first, persistence-api last), drops the database, removes the temporary directory. */
export default async function globalTeardown(): Promise<void> {
  const state = readState();
  if (!state) return;
  markStopping();
  const problems: string[] = [];
  for (const { name, pid } of [...state.children].reverse()) {
    await stopPid(pid).catch((err: unknown) => problems.push(`stopping ${name} (pid ${pid}): ${(err as Error).message}`));
  }
  if (state.database) {
    const { serverUrl, url } = state.database;
    await dropDatabase(serverUrl, url).catch((err: unknown) => problems.push(`dropping database ${new URL(url).pathname}: ${(err as Error).message}`));
  }
  if (state.tmpDir) rmSync(state.tmpDir, { recursive: true, force: true });
  if (problems.length) throw new Error(`web-e2e teardown:\n${problems.join('\n')}`);
}
