import { appendFile, open, rename } from 'node:fs/promises';
import { join } from 'node:path';

async function syncDirectory(dir: string) {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file so that, once this resolves, it survives a crash or power loss whole: write a
 * temporary file, fsync it, rename it into place, fsync the directory. A crash before the
 * rename leaves only a *.tmp file, which the loader discards (its enqueue never resolved).
 */
export async function writeFileDurably(dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, name));
  await syncDirectory(dir);
}

/** Appends one line and fsyncs it. */
export async function appendLineDurably(file: string, line: string): Promise<void> {
  const handle = await open(file, 'a', 0o600);
  try {
    await appendFile(handle, `${line}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}
