import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The service secret the test persistence-api accepts for voice-api (24+ characters, as both schemas demand). */
export const TEST_SERVICE_SECRET = 'voice-api-test-service-secret-0123456789';

const ROOT = resolve(__dirname, '..', '..', '..');
const DIST = join(ROOT, 'apps', 'persistence-api', 'dist');
const BUILD_COMMAND = 'npx tsc -b apps/persistence-api/tsconfig.app.json';

/** Children still running when this process exits (a test that timed out, say) go with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface PersistenceProcess {
  url: string;
  port: number;
  dataDir: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** What the process wrote to stderr, for failure messages. */
  output(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function requireBuild() {
  for (const file of ['main.js', join('database', 'cli.js')]) {
    if (!existsSync(join(DIST, file))) {
      throw new Error(
        `persistence-api is not built (${join(DIST, file)} is missing). The voice-api API tests run the real persistence-api from its build output: run \`${BUILD_COMMAND}\` in ${ROOT} first (the nx test target does it for you).`,
      );
    }
  }
}

function envFor(port: number, dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    VOICE_API_CLIENT_SECRET: TEST_SERVICE_SECRET,
    LOG_LEVEL: 'warn',
  };
}

function runCli(command: 'migrate' | 'seed', env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [join(DIST, 'database', 'cli.js'), command], { env, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`persistence-api \`cli.js ${command}\` failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`persistence-api exited with code ${child.exitCode} while starting:\n${output()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`persistence-api did not become healthy at ${url} within ${timeoutMs} ms (last: ${last}):\n${output()}`);
}

/**
 * Runs the real persistence-api from its build output on a fresh SQLite database: migrate, seed,
 * then `node dist/main.js` on a free port. Each call is its own process and data directory.
 */
export async function startPersistenceApi(options: { port?: number; dataDir?: string } = {}): Promise<PersistenceProcess> {
  requireBuild();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'voice-test-persistence-'));
  const env = envFor(port, dataDir);
  runCli('migrate', env);
  runCli('seed', env);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stderr = '';

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    stderr = '';
    const proc = spawn(process.execPath, [join(DIST, 'main.js')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    child = proc;
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    await waitForHealth(url, proc, () => stderr);
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  await start();
  return { url, port, dataDir, start, stop, output: () => stderr };
}
