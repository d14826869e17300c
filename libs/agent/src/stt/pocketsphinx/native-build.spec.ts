import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DECODER_SOURCE, ensureDecoderBinary } from './native-build';

describe('the warm decoder build (real gcc and pkg-config)', () => {
  jest.setTimeout(120_000);
  let cacheDir: string;

  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pocketsphinx-build-'));
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('compiles with -Wall and no warnings, once, then reuses the binary', async () => {
    const built = await ensureDecoderBinary({ sourcePath: DEFAULT_DECODER_SOURCE, cacheDir });
    expect(built.compilerOutput).toBe('');
    expect(built.path.startsWith(join(cacheDir, 'pocketsphinx-warm-'))).toBe(true);
    const compiledAt = (await stat(built.path)).mtimeMs;

    const again = await ensureDecoderBinary({ sourcePath: DEFAULT_DECODER_SOURCE, cacheDir });
    expect(again).toEqual({ path: built.path, compilerOutput: '' });
    expect((await stat(again.path)).mtimeMs).toBe(compiledAt);
  });

  it('rebuilds when the binary has gone from the cache', async () => {
    const built = await ensureDecoderBinary({ sourcePath: DEFAULT_DECODER_SOURCE, cacheDir });
    await rm(built.path);
    const rebuilt = await ensureDecoderBinary({ sourcePath: DEFAULT_DECODER_SOURCE, cacheDir });
    expect(rebuilt.path).toBe(built.path);
    expect((await stat(rebuilt.path)).isFile()).toBe(true);
  });

  it('says to install gcc when there is no compiler', async () => {
    await expect(ensureDecoderBinary({ sourcePath: DEFAULT_DECODER_SOURCE, cacheDir, compiler: join(cacheDir, 'no-such-gcc') })).rejects.toThrow(
      /no-such-gcc not found; install a C compiler \(apt-get install gcc\) to build the warm decoder/,
    );
  });

  it('passes on what the compiler said when the build fails', async () => {
    const broken = join(cacheDir, 'broken.c');
    await writeFile(broken, 'int main(void) { return missing_symbol; }\n');
    await expect(ensureDecoderBinary({ sourcePath: broken, cacheDir })).rejects.toThrow(
      /compiling the warm decoder failed: .*broken\.c:1:25: error: .missing_symbol. undeclared/,
    );
  });

  it('refuses a cache folder that others can write to', async () => {
    const shared = join(cacheDir, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    await expect(ensureDecoderBinary({ sourcePath: DEFAULT_DECODER_SOURCE, cacheDir: shared })).rejects.toThrow(
      /cache folder .*shared must belong to this user and be writable by nobody else/,
    );
  });

  it('says where it looked for a missing source', async () => {
    await expect(ensureDecoderBinary({ sourcePath: join(cacheDir, 'missing.c'), cacheDir })).rejects.toThrow(
      /cannot read the decoder source .*missing\.c \(ENOENT\); deploy libs\/agent\/native with the app or set sourcePath/,
    );
  });
});
