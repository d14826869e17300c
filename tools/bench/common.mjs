// Helpers the benchmarks share: argument checks, free ports, health polling and cleanup on exit.
import { createServer } from 'node:net';

export function fail(message) {
  console.error(message);
  process.exit(1);
}

/** `--name` from parseArgs values as a whole number from 1 to max, or exit naming the flag. */
export function intOption(args, name, max) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1 || n > max) fail(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; fails at once if `child` exits first. */
export async function waitForHealth(name, url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (code ${child.exitCode}) before becoming healthy`);
    if (
      (await fetch(url).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name}: ${url} not healthy after ${timeoutMs / 1000} s`);
}

/** Cleanup steps run once, last registered first, on success, failure and Ctrl-C. */
export function cleanupRegistry() {
  const steps = [];
  let running;
  const run = () =>
    (running ??= (async () => {
      for (const fn of steps.reverse()) {
        try {
          await fn();
        } catch (err) {
          console.error(`cleanup: ${err.message}`);
        }
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void run().finally(() => process.exit(130));
    });
  }
  return { add: (fn) => steps.push(fn), run, started: () => running !== undefined };
}
