#!/usr/bin/env node
// voice-api's container image (apps/voice-api/Dockerfile), read and run without Docker.
//
//   node tools/deploy/voice-api-image.mjs plan
//       prints what the Dockerfile does, as JSON: base image, Debian packages, ENV, USER, COPY,
//       HEALTHCHECK, CMD (apps/deploy-e2e/src/voice-api-image.spec.ts checks it against the code)
//   sudo node tools/deploy/voice-api-image.mjs run [dist/packages/voice-api.zip]
//       builds the image's file system the way the Dockerfile does and starts it: a Debian bookworm
//       root file system with exactly the Dockerfile's packages (debootstrap --variant=minbase, which
//       installs no Recommends, as --no-install-recommends), this machine's Node where
//       node:<major>-bookworm-slim has it and its `node` user (uid 1000), the other RUN steps, the
//       unpacked artifact COPYed to WORKDIR; then CMD as USER with ENV, in a chroot, until the
//       HEALTHCHECK passes and /health reports the offline engines up, then SIGTERM.
//
// `run` needs root, debootstrap and Debian's package mirror. Measured on a busy 2-core machine: the
// first run about 10 minutes (debootstrap; the root file system is then cached under
// /var/tmp/voice-api-image-rootfs by package list), later runs about 35 s. Too slow for every CI run:
// the deploy workflow builds and health-checks the real image when the container route is on.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCKERFILE = join(ROOT, 'apps', 'voice-api', 'Dockerfile');
const MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const CACHE = process.env.ROOTFS_CACHE ?? '/var/tmp/voice-api-image-rootfs';
/** The PATH node:*-bookworm-slim sets (Docker's default). */
const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const started = Date.now();
const log = (message) => console.log(`voice-api-image: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
/** Thrown, not exit(): run()'s clean-up must still remove its work directory and stop voice-api. */
function fail(message) {
  throw new Error(message);
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped; fails on any this reader does not know. */
function readDockerfile(text = readFileSync(DOCKERFILE, 'utf8')) {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const instructions = lines
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? fail(`cannot read Dockerfile line: ${line}`);
      return { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    });
  const plan = { from: '', packages: [], run: [], env: {}, workdir: '/', copy: [], user: 'root', expose: [], healthcheck: undefined, cmd: undefined };
  for (const { keyword, args } of instructions) {
    if (keyword === 'FROM') plan.from = args;
    else if (keyword === 'RUN') {
      const install = /apt-get install ((?:-\S+ )*)([^&]+)/.exec(args);
      if (install) plan.packages.push(...install[2].trim().split(' '));
      else plan.run.push(args);
    } else if (keyword === 'ENV') {
      for (const pair of args.split(' ')) {
        const [name, ...value] = pair.split('=');
        if (!value.length) fail(`ENV ${pair}: only the NAME=value form is read here`);
        plan.env[name] = value.join('=');
      }
    } else if (keyword === 'WORKDIR') plan.workdir = args;
    else if (keyword === 'COPY') {
      const parts = args.split(' ');
      const chown = parts.find((p) => p.startsWith('--chown='))?.slice('--chown='.length);
      const paths = parts.filter((p) => !p.startsWith('--'));
      plan.copy.push({ chown, sources: paths.slice(0, -1), destination: paths.at(-1) });
    } else if (keyword === 'USER') plan.user = args;
    else if (keyword === 'EXPOSE') plan.expose.push(...args.split(' ').map(Number));
    else if (keyword === 'HEALTHCHECK') {
      const [, options, command] = /^((?:--\S+ )*)CMD (.*)$/.exec(args) ?? fail(`HEALTHCHECK ${args}: expected options then CMD [...]`);
      plan.healthcheck = {
        options: Object.fromEntries(
          options
            .trim()
            .split(' ')
            .filter(Boolean)
            .map((o) => o.slice(2).split('=')),
        ),
        cmd: JSON.parse(command),
      };
    } else if (keyword === 'CMD') plan.cmd = JSON.parse(args);
    else fail(`Dockerfile instruction ${keyword} is not one this reader knows`);
  }
  plan.packages.sort();
  return plan;
}

const sh = (command, args, options = {}) => {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.error?.message})`);
  return result;
};

/** The bookworm root file system with the Dockerfile's packages, made once per package list. */
function rootfsFor(packages) {
  const dir = join(CACHE, createHash('sha256').update(packages.join(' ')).digest('hex').slice(0, 12));
  if (existsSync(join(dir, 'usr', 'bin'))) {
    log(`reusing the root file system in ${dir}`);
    return dir;
  }
  mkdirSync(CACHE, { recursive: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`debootstrap bookworm with ${packages.join(' ')} (minutes)`);
  sh('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, 'bookworm', partial, MIRROR], { stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(partial, dir);
  log(`root file system ready in ${dir}`);
  return dir;
}

function freePort() {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** `command` as `user` inside `root`, with /proc and /dev mounted in a mount namespace of its own (gone when it exits). */
function inImage(root, user, env, cwd, command, stdio) {
  const environment = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const script = 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && user="$1" && shift && exec chroot --userspec="$user" "$0" "$@"';
  // No --fork: each step execs the next, so the process spawned here ends as `command` itself and gets our signals.
  const args = ['--mount', '--propagation', 'private', 'sh', '-c', script, root, `${user}:${user}`, 'env', '-i', '-C', cwd, ...environment, ...command];
  return spawn('unshare', args, { stdio });
}

async function run(zip) {
  if (process.getuid?.() !== 0) fail('run needs root (debootstrap, chroot, mounts)');
  if (spawnSync('debootstrap', ['--version']).error) fail('debootstrap is not installed: apt-get install debootstrap');
  if (!existsSync(zip)) fail(`${zip} is missing: run npx nx run voice-api:package`);
  const plan = readDockerfile();
  const major = /^node:(\d+)-bookworm-slim$/.exec(plan.from)?.[1] ?? fail(`FROM ${plan.from}: expected node:<major>-bookworm-slim`);
  if (process.versions.node.split('.')[0] !== major) fail(`FROM ${plan.from} but this Node is ${process.version}: run with Node ${major}`);
  if (plan.copy.length !== 1 || plan.copy[0].sources.join() !== '.') fail('expected one COPY of the build context (the unpacked artifact)');

  const base = rootfsFor(plan.packages);
  const work = mkdtempSync('/var/tmp/voice-api-image-run-');
  const root = join(work, 'root');
  let service;
  try {
    // cp -a: the file system holds device nodes (/dev), which Node's copy refuses.
    sh('cp', ['-a', base, root]);
    // What node:<major>-bookworm-slim adds to Debian: Node in /usr/local/bin, and the user `node`.
    cpSync(process.execPath, join(root, 'usr', 'local', 'bin', 'node'));
    sh('chroot', [root, 'sh', '-c', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node']);
    for (const command of plan.run) sh('chroot', [root, 'sh', '-c', command]);
    const app = join(root, plan.copy[0].destination);
    mkdirSync(app, { recursive: true });
    sh('unzip', ['-q', zip, '-d', app]);
    if (plan.copy[0].chown) sh('chroot', [root, 'chown', '-R', plan.copy[0].chown, plan.copy[0].destination]);
    log(`image file system assembled in ${root}`);

    const port = await freePort();
    const env = {
      PATH: IMAGE_PATH,
      HOME: `/home/${plan.user}`,
      ...plan.env,
      // The App Settings: a port of our own here, and no persistence-api (so /health says "degraded").
      PORT: String(port),
      PERSISTENCE_API_URL: 'http://127.0.0.1:9',
      ALLOW_INSECURE_CONNECTIONS: 'true',
      VOICE_API_CLIENT_SECRET: randomBytes(24).toString('hex'),
      ALLOWED_HOSTS: '127.0.0.1',
    };
    service = inImage(root, plan.user, env, plan.workdir, plan.cmd, ['ignore', 'inherit', 'inherit']);
    const exited = new Promise((done) => service.once('exit', (code, signal) => done({ code, signal })));
    const deadline = Date.now() + 240_000;
    for (;;) {
      const check = inImage(root, plan.user, env, plan.workdir, plan.healthcheck.cmd, 'ignore');
      const code = await new Promise((done) => check.once('exit', done));
      if (code === 0) break;
      if (service.exitCode !== null) fail(`voice-api exited (${service.exitCode}) before its HEALTHCHECK passed`);
      if (Date.now() > deadline) fail('the HEALTHCHECK did not pass within 240 s');
      await new Promise((r) => setTimeout(r, 2000));
    }
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    log(`HEALTHCHECK passed; /health: ${JSON.stringify(health)}`);
    const down = ['vad:energy', 'stt:offline', 'llm:offline', 'tts:offline', 'outbox'].filter((name) => health.checks?.[name]?.status !== 'up');
    if (down.length) fail(`not up in the image: ${down.join(', ')}`);
    service.kill('SIGTERM');
    const exit = await Promise.race([exited, new Promise((r) => setTimeout(() => r({ timedOut: true }), 15_000))]);
    if (exit.timedOut || exit.code !== 0) fail(`voice-api did not exit cleanly on SIGTERM: ${JSON.stringify(exit)}`);
    log('voice-api ran in the image as uid 1000 with the offline engines up, and exited with 0 on SIGTERM');
  } finally {
    if (service?.exitCode === null) service.kill('SIGKILL');
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  }
}

const [mode, zip = join(ROOT, 'dist', 'packages', 'voice-api.zip')] = process.argv.slice(2).filter((a) => a !== '--keep');
try {
  if (mode === 'plan') console.log(JSON.stringify(readDockerfile(), null, 2));
  else if (mode === 'run') await run(resolve(zip));
  else fail('usage: node tools/deploy/voice-api-image.mjs plan | run [dist/packages/voice-api.zip] [--keep]');
} catch (err) {
  console.error(`voice-api-image: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
