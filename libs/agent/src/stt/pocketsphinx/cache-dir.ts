import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Per user, so two accounts on one machine never share (or trust) each other's executables. */
export function defaultCacheDir(): string {
  return join(tmpdir(), `voice-agent-pocketsphinx-${process.getuid?.() ?? 'user'}`);
}

/**
 * Creates `dir` if needed and refuses one that someone else could write to: the decoder binary
 * kept there is executed, so a planted file would run as this service.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && (info.uid !== uid || (info.mode & 0o022) !== 0)) {
    throw new Error(
      `Pocketsphinx STT: cache folder ${dir} must belong to this user and be writable by nobody else ` +
        '(it holds the decoder executable); fix its owner/mode or set cacheDir',
    );
  }
}
