import { freePort, runToCompletion, startProcess, waitForHealthy, type ManagedProcess } from '@voice/testing';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The service secret the test persistence-api accepts for voice-api (24+ characters, as both schemas demand). */
export const TEST_SERVICE_SECRET = 'voice-api-test-service-secret-0123456789';

const ROOT = resolve(__dirname, '..', '..', '..');
const DIST = join(ROOT, 'apps', 'persistence-api', 'dist');
const BUILD_COMMAND = 'npx tsc -b apps/persistence-api/tsconfig.app.json';

export interface PersistenceProcess {
  url: string;
  port: number;
  dataDir: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** What the process wrote, for failure messages. */
  output(): string;
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
    // Every test registers its users from this machine's one address.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  };
}

const runCli = (command: 'migrate' | 'seed', env: NodeJS.ProcessEnv) =>
  runToCompletion(`persistence-api cli.js ${command}`, [join(DIST, 'database', 'cli.js'), command], { env, timeoutMs: 60_000 });

/**
 * Runs the real persistence-api from its build output on a fresh SQLite database: migrate, seed,
 * then `node dist/main.js` on a free port. Each call is its own process and data directory; `env`
 * adds to or overrides its settings (DATABASE_URL for PostgreSQL, say).
 */
export async function startPersistenceApi(options: { port?: number; dataDir?: string; env?: Record<string, string> } = {}): Promise<PersistenceProcess> {
  requireBuild();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'voice-test-persistence-'));
  const env = { ...envFor(port, dataDir), ...options.env };
  runCli('migrate', env);
  runCli('seed', env);
  const url = `http://127.0.0.1:${port}`;
  let proc: ManagedProcess | undefined;

  const start = async () => {
    if (proc?.running()) return;
    proc = startProcess({ name: 'persistence-api', args: [join(DIST, 'main.js')], env });
    await waitForHealthy(proc, `${url}/health`, 30_000);
  };
  const stop = async () => void (await proc?.stop());

  await start();
  return { url, port, dataDir, start, stop, output: () => proc?.output() ?? '' };
}
