import { startProcess, waitForHealthy, type ManagedProcess } from '@voice/testing';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOGS_DIR, ROOT } from './paths';

/** Only what a service needs from the runner's environment, so a developer's .env or shell does not leak in. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

/** The environment of a web server of the suite's build on 127.0.0.1:`port`, talking to the APIs given with web's service secret. */
export function webEnv(
  port: number,
  apis: { persistenceUrl: string; voiceUrl: string; webClientSecret: string },
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return baseEnv({
    NODE_ENV: 'production',
    HOSTNAME: '127.0.0.1',
    PORT: String(port),
    PERSISTENCE_API_URL: apis.persistenceUrl,
    VOICE_API_URL: apis.voiceUrl,
    WEB_CLIENT_SECRET: apis.webClientSecret,
    SESSION_COOKIE_SECURE: 'false',
    // The suite's services listen on 127.0.0.1 over plain HTTP (and Redis without TLS).
    ALLOW_INSECURE_CONNECTIONS: 'true',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  });
}

let stopping = false;
/** Teardown is stopping the services: their exits are expected from now on. */
export function markStopping(): void {
  stopping = true;
}

/** Where a service's exit is recorded (`<name>.exit.log` beside its log). */
export const exitFile = (name: string): string => join(LOGS_DIR, `${name}.exit.log`);

export interface Service extends ManagedProcess {
  url: string;
}

const stoppedOnPurpose = new WeakSet<ManagedProcess>();

/**
 * Starts `node <script>` with its output in `test-results/logs/<name>.log`, then waits until
 * `url + healthPath` answers 200, failing at once (with the log) if it exits.
 */
export async function startService(options: {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  url: string;
  healthPath: string;
  timeoutMs?: number;
  /** Called with the pid as soon as the process exists. */
  onSpawn?: (pid: number) => void;
}): Promise<Service> {
  const proc = startProcess({ name: options.name, args: [options.script], env: options.env, cwd: ROOT, logDir: LOGS_DIR });
  if (proc.child.pid !== undefined) options.onSpawn?.(proc.child.pid);
  void proc.exited.then(({ code, signal }) => {
    // An exit nobody asked for (a crash, or a signal from outside the suite) is what explains the failures that follow.
    const how = `${options.name} (pid ${proc.child.pid}) exited with ${signal ?? `code ${code}`} at ${new Date().toISOString()}${stopping ? ' (teardown)' : ''}`;
    appendFileSync(exitFile(options.name), `${how}\n`);
    if (!stopping && !stoppedOnPurpose.has(proc)) process.stderr.write(`web-e2e: ${how}, while the tests were running; its log is in ${LOGS_DIR}\n`);
  });
  await waitForHealthy(proc, `${options.url}${options.healthPath}`, options.timeoutMs ?? 60_000);
  return Object.assign(proc, { url: options.url });
}

/** Stops a service a test started, as that test's own teardown: its exit is not reported as unexpected. */
export async function stopService(service: Service): Promise<void> {
  stoppedOnPurpose.add(service);
  await service.stop();
}
