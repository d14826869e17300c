import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, constants, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensurePrivateDir } from './cache-dir';

const run = promisify(execFile);

/** libs/agent/native/, from both src/stt/pocketsphinx (tests) and dist/stt/pocketsphinx (built). */
export const DEFAULT_DECODER_SOURCE = resolve(__dirname, '../../../native/pocketsphinx-warm.c');

export interface DecoderBuildOptions {
  sourcePath: string;
  cacheDir: string;
  /** Default `gcc`. */
  compiler?: string;
}

export interface DecoderBinary {
  path: string;
  /** What the compiler printed (warnings) when this call compiled it; empty when it was cached. */
  compilerOutput: string;
}

const building = new Map<string, Promise<DecoderBinary>>();

/**
 * The warm decoder's executable, compiled on first use into `cacheDir` under a name keyed by the
 * source and the build flags, so a changed source or library gets a fresh build and an unchanged
 * one is reused across processes.
 */
export async function ensureDecoderBinary(options: DecoderBuildOptions): Promise<DecoderBinary> {
  const source = await readFile(options.sourcePath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      `Pocketsphinx STT: cannot read the decoder source ${options.sourcePath} (${err.code ?? err.message}); ` +
        'deploy libs/agent/native with the app or set sourcePath',
    );
  });
  const flags = await pocketsphinxFlags();
  await ensurePrivateDir(options.cacheDir);
  const compiler = options.compiler ?? 'gcc';
  const hash = createHash('sha256')
    .update(`${source}\0${flags.join(' ')}\0${compiler}`)
    .digest('hex')
    .slice(0, 16);
  const binaryPath = join(options.cacheDir, `pocketsphinx-warm-${hash}`);
  const earlier = building.get(binaryPath);
  if (
    earlier &&
    (await earlier.then(
      (built) => isExecutable(built.path),
      () => false,
    ))
  ) {
    return { path: binaryPath, compilerOutput: '' };
  }
  const pending = compileIfMissing(compiler, options.sourcePath, binaryPath, flags);
  building.set(binaryPath, pending);
  pending.catch(() => building.delete(binaryPath));
  return pending;
}

async function compileIfMissing(compiler: string, sourcePath: string, binaryPath: string, flags: string[]): Promise<DecoderBinary> {
  if (await isExecutable(binaryPath)) return { path: binaryPath, compilerOutput: '' };
  // Compile beside the target and rename: another process may be compiling the same file right now.
  const temporary = `${binaryPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const { stderr } = await run(compiler, ['-O2', '-Wall', '-o', temporary, sourcePath, ...flags], { timeout: 120_000 });
    await rename(temporary, binaryPath);
    return { path: binaryPath, compilerOutput: stderr.trim() };
  } catch (err) {
    await rm(temporary, { force: true });
    throw new Error(`Pocketsphinx STT: ${describeCompileFailure(compiler, err)}`);
  }
}

let cachedFlags: Promise<string[]> | undefined;

function pocketsphinxFlags(): Promise<string[]> {
  if (!cachedFlags) {
    cachedFlags = askPkgConfig();
    cachedFlags.catch(() => (cachedFlags = undefined));
  }
  return cachedFlags;
}

async function askPkgConfig(): Promise<string[]> {
  try {
    const { stdout } = await run('pkg-config', ['--cflags', '--libs', 'pocketsphinx', 'sphinxbase'], { timeout: 10_000 });
    return stdout.trim().split(/\s+/).filter(Boolean);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      throw new Error('Pocketsphinx STT: pkg-config not found; install pkg-config (apt-get install pkg-config)');
    }
    throw new Error(
      'Pocketsphinx STT: pkg-config does not know pocketsphinx/sphinxbase; install the headers ' + '(apt-get install libpocketsphinx-dev libsphinxbase-dev)',
    );
  }
}

function describeCompileFailure(compiler: string, err: unknown): string {
  if (errorCode(err) === 'ENOENT') {
    return `${compiler} not found; install a C compiler (apt-get install gcc) to build the warm decoder`;
  }
  const stderr = typeof err === 'object' && err !== null ? String((err as { stderr?: unknown }).stderr ?? '') : '';
  if (/pocketsphinx\.h|sphinxbase\/.*\.h/.test(stderr) && /No such file/.test(stderr)) {
    return 'pocketsphinx headers missing; install libpocketsphinx-dev libsphinxbase-dev';
  }
  const lines = stderr.trim().split('\n');
  const errors = lines.filter((line) => /\berror\b/.test(line));
  const detail = (errors.length ? errors : lines).slice(0, 5).join(' | ') || (err instanceof Error ? err.message : String(err));
  return `compiling the warm decoder failed: ${detail}`;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
