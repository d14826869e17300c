import { freePort, startProcess, waitForHealthy, type ManagedProcess } from '@voice/testing';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_SERVICE_SECRET } from './persistence-process';
import { persistenceUrl } from './users';

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'apps', 'voice-api', 'dist', 'main.js');
const BUILD_COMMAND = 'npx tsc -b apps/voice-api/tsconfig.app.json';

export interface VoiceApiProcess {
  url: string;
  proc: ManagedProcess;
  /** SIGKILL, as a crash or an instance being pulled leaves it: no shutdown hooks run. Resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Runs voice-api from its build output as its own process (`node dist/main.js`) on a free port,
 * against the run's persistence-api, with the DATA_DIR given: for tests that kill it and start
 * another on the same directory, as App Service does on a crash.
 */
export async function startVoiceApiProcess(dataDir: string, env: Record<string, string> = {}): Promise<VoiceApiProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(`voice-api is not built (${MAIN} is missing): run \`${BUILD_COMMAND}\` in ${ROOT} first (the nx test target does it for you).`);
  }
  const port = await freePort();
  const proc = startProcess({
    name: 'voice-api',
    args: [MAIN],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      PERSISTENCE_API_URL: persistenceUrl(),
      VOICE_API_CLIENT_SECRET: TEST_SERVICE_SECRET,
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthy(proc, `${url}/health`, 60_000);
  } catch (err) {
    proc.kill();
    throw err;
  }
  return {
    url,
    proc,
    kill: async () => {
      proc.kill();
      await proc.exited;
    },
  };
}
