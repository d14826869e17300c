import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LOGS_DIR, ROOT } from './paths';

/** Children still running when the runner exits without a teardown (killed, crashed) go with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

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

/** `count` distinct free ports of 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Only what a service needs from the runner's environment, so a developer's .env or shell does not leak in. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

/** The environment of a web server of the suite's build on 127.0.0.1:`port`, talking to the APIs given. */
export function webEnv(port: number, apis: { persistenceUrl: string; voiceUrl: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return baseEnv({
    NODE_ENV: 'production',
    HOSTNAME: '127.0.0.1',
    PORT: String(port),
    PERSISTENCE_API_URL: apis.persistenceUrl,
    VOICE_API_URL: apis.voiceUrl,
    SESSION_COOKIE_SECURE: 'false',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  });
}

let stopping = false;
/** Teardown is stopping the services: their exits are expected from now on. */
export function markStopping(): void {
  stopping = true;
}

/** Where a service's exit is recorded (`<name>.exit.log` beside its logs). */
export const exitFile = (name: string): string => join(LOGS_DIR, `${name}.exit.log`);

const tail = (file: string, chars = 6_000) => (existsSync(file) ? readFileSync(file, 'utf8').slice(-chars) : '');

/** Runs a command to completion (migrations, seed), failing with its output. */
export function runToCompletion(name: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`${name} (\`node ${args.join(' ')}\`) failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
}

export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  /** The tail of what it wrote, for failure messages. */
  output(): string;
}

/**
 * Starts `node <script>` with stdout and stderr in `test-results/logs/<name>.{stdout,stderr}.log`,
 * then waits until `url + healthPath` answers 200, failing at once (with the logs) if it exits.
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
  const stdoutFile = join(LOGS_DIR, `${options.name}.stdout.log`);
  const stderrFile = join(LOGS_DIR, `${options.name}.stderr.log`);
  const out = openSync(stdoutFile, 'a');
  const err = openSync(stderrFile, 'a');
  const child = spawn(process.execPath, [options.script], { cwd: ROOT, env: options.env, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  running.add(child);
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  child.once('exit', (code, signal) => {
    running.delete(child);
    // An exit nobody asked for (a crash, or a signal from outside the suite) is what explains the failures that follow.
    const how = `${options.name} (pid ${child.pid}) exited with ${signal ?? `code ${code}`} at ${new Date().toISOString()}${stopping ? ' (teardown)' : ''}`;
    appendFileSync(exitFile(options.name), `${how}\n`);
    if (!stopping && !stoppedOnPurpose.has(child)) process.stderr.write(`web-e2e: ${how}, while the tests were running; its logs are in ${LOGS_DIR}\n`);
  });
  const output = () => `--- ${stderrFile}\n${tail(stderrFile)}\n--- ${stdoutFile}\n${tail(stdoutFile)}`;
  const service = { name: options.name, url: options.url, child, output };
  await waitForHealth(service, `${options.url}${options.healthPath}`, options.timeoutMs ?? 60_000);
  return service;
}

async function waitForHealth(service: Service, url: string, timeoutMs: number) {
  const { child } = service;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${service.name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${service.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `${res.status} ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).cause ? String((err as Error & { cause: unknown }).cause) : (err as Error).message;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
  }
  throw new Error(`${service.name} did not answer 200 at ${url} within ${timeoutMs} ms (last: ${last}):\n${service.output()}`);
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const stoppedOnPurpose = new WeakSet<ChildProcess>();

/** Stops a service a test started, as that test's own teardown: its exit is not reported as unexpected. */
export async function stopService(service: Service): Promise<void> {
  stoppedOnPurpose.add(service.child);
  if (service.child.pid !== undefined) await stopPid(service.child.pid);
}

/** SIGTERM, then waits for the exit; SIGKILL after `graceMs`. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}
