import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
  /** Names the process in errors and its log file. */
  name: string;
  /** The program (Node itself unless told) and its arguments. */
  command?: string;
  args: string[];
  /** The child's whole environment: pass only what it needs, so a developer's shell does not leak in. */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Writes stdout and stderr to `<logDir>/<name>.log`; without it the last 20 000 characters are kept in memory. */
  logDir?: string;
  /** Leads its own process group, so a kill reaches what it spawned too (a startup script's server, say). */
  group?: boolean;
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Where its output goes, when `logDir` was given. */
  logFile?: string;
  /** Settles when it exits, however that happens. */
  exited: Promise<Exit>;
  running(): boolean;
  /** The tail of what it wrote, for failure messages. */
  output(): string;
  /**
   * SIGTERM to the process, as a platform stopping it sends; waits for the exit, and after `graceMs`
   * sends SIGKILL (to its whole group when it leads one).
   */
  stop(graceMs?: number): Promise<Exit & { timedOut: boolean }>;
  /** SIGKILL now, to its whole group when it leads one. */
  kill(): void;
}

const MEMORY_CHARS = 20_000;

/** Children still running when the test process exits (a timed-out test, a crash) go with it. */
const live = new Set<() => void>();
process.once('exit', () => live.forEach((kill) => kill()));

/** Starts a child with its output captured; see `waitForHealthy` to wait until it serves. */
export function startProcess(options: ProcessOptions): ManagedProcess {
  const logFile = options.logDir ? join(options.logDir, `${options.name}.log`) : undefined;
  const fd = logFile ? openSync(logFile, 'a') : undefined;
  const child = spawn(options.command ?? process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
    detached: options.group ?? false,
  });
  if (fd !== undefined) closeSync(fd);
  let memory = '';
  const keep = (chunk: Buffer) => (memory = (memory + chunk.toString()).slice(-MEMORY_CHARS));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<Exit>((done) => child.once('exit', (code, sig) => done({ code, signal: sig })));
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals, wholeGroup = options.group ?? false) => {
    if (child.pid === undefined) return;
    try {
      process.kill(wholeGroup ? -child.pid : child.pid, sig);
    } catch {
      // already gone
    }
  };
  const kill = () => signal('SIGKILL');

  const managed: ManagedProcess = {
    name: options.name,
    child,
    logFile,
    exited,
    running: isRunning,
    output: () => (logFile ? tail(logFile) : memory),
    stop: async (graceMs = 10_000) => {
      if (!isRunning()) return { ...(await exited), timedOut: false };
      signal('SIGTERM', false);
      let timedOut = false;
      const killer = setTimeout(() => {
        timedOut = true;
        kill();
      }, graceMs);
      const exit = await exited;
      clearTimeout(killer);
      return { ...exit, timedOut };
    },
    kill,
  };
  live.add(kill);
  void exited.then(() => live.delete(kill));
  return managed;
}

const tail = (file: string, chars = 8_000) => (existsSync(file) ? readFileSync(file, 'utf8').slice(-chars) : '(no log yet)');

/** Polls `url` until it answers 200; fails at once, with the process's output, if it exits first. */
export async function waitForHealthy(proc: ManagedProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let exit: Exit | undefined;
  void proc.exited.then((e) => (exit = e));
  while (Date.now() < deadline) {
    if (exit || !proc.running()) {
      const how = exit ?? { code: proc.child.exitCode, signal: proc.child.signalCode };
      throw new Error(`${proc.name} exited (${how.signal ?? `code ${how.code}`}) before answering ${url}:\n${proc.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `${res.status} ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      last = String((err as Error & { cause?: unknown }).cause ?? (err as Error).message);
    }
    await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 200))]);
  }
  throw new Error(`${proc.name} did not answer 200 at ${url} within ${timeoutMs} ms (last: ${last}):\n${proc.output()}`);
}

/** Runs a command to completion (a migration, a seed) and returns its stdout; throws with its output if it fails. */
export function runToCompletion(name: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; command?: string; timeoutMs?: number }): string {
  const result = spawnSync(options.command ?? process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`${name} (\`${args.join(' ')}\`) failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops a process known only by its pid (started by another process): SIGTERM, SIGKILL after `graceMs`. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}
