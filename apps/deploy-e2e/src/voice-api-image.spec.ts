import { freePort, startProcess, waitForHealthy, type ManagedProcess } from '@voice/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * voice-api's container image (apps/voice-api/Dockerfile), the route for teams that want no cloud AI:
 * there is no Docker here, so the Dockerfile is read by tools/deploy/voice-api-image.mjs, checked
 * against what the offline engines need on this Debian machine, and the artifact it COPYs is run
 * the way its CMD, ENV, WORKDIR and USER run it. The real image is built and health-checked by the
 * deploy workflow's container route; `sudo node tools/deploy/voice-api-image.mjs run` does the same
 * in a debootstrapped bookworm without Docker (minutes, so not part of this suite).
 */

const ROOT = resolve(__dirname, '..', '..', '..');
const ZIP = join(ROOT, 'dist', 'packages', 'voice-api.zip');
/** uid/gid of `node` in the node:*-bookworm-slim images. */
const IMAGE_UID = 1000;

interface Plan {
  from: string;
  packages: string[];
  run: string[];
  env: Record<string, string>;
  workdir: string;
  copy: { chown?: string; sources: string[]; destination: string }[];
  user: string;
  expose: number[];
  healthcheck?: { options: Record<string, string>; cmd: string[] };
  cmd?: string[];
}

const plan = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'tools', 'deploy', 'voice-api-image.mjs'), 'plan'], { encoding: 'utf8' })) as Plan;

/** The Debian package that owns `path` on this machine ("pkgconf:amd64: /usr/bin/pkg-config" -> pkgconf). */
const owner = (path: string) => execFileSync('dpkg', ['-S', path], { encoding: 'utf8' }).split(':')[0];
/** What the listed packages bring: themselves and what they depend on directly. */
function installedBy(packages: string[]): Set<string> {
  const depends = packages.flatMap((p) =>
    execFileSync('dpkg-query', ['-W', '-f=${Depends}', p], { encoding: 'utf8' })
      .split(',')
      .map((d) => d.trim().split(/[\s:]/)[0])
      .filter(Boolean),
  );
  return new Set([...packages, ...depends]);
}

describe('apps/voice-api/Dockerfile', () => {
  it('starts from the Node image of the major version the workspace runs, on Debian bookworm (the engines’ packages)', () => {
    const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string;
    const major = /\d+/.exec(engines)?.[0];
    expect(plan.from).toBe(`node:${major}-bookworm-slim`);
  });

  it('runs as a non-root user who owns the outbox directory but cannot change the code', () => {
    expect(plan.user).not.toMatch(/^(root|0)(:|$)/);
    expect(plan.copy).toEqual([{ chown: 'root:root', sources: ['.'], destination: plan.workdir }]);
    expect(plan.env.DATA_DIR).toMatch(/^\//);
    expect(plan.run).toContain(`mkdir -p ${plan.env.DATA_DIR} && chown ${plan.user}:${plan.user} ${plan.env.DATA_DIR}`);
  });

  it('installs the Debian packages that own every file the offline engines use on this machine', () => {
    const model = '/usr/share/pocketsphinx/model/en-us';
    expect(readFileSync(join(ROOT, 'libs', 'config', 'src', 'voice-api.ts'), 'utf8')).toContain(`default('${model}')`);
    const [pcFiles, cflags] = ['--path', '--cflags'].map((flag) => execFileSync('pkg-config', [flag, 'pocketsphinx', 'sphinxbase'], { encoding: 'utf8' }));
    const needs = {
      'espeak-ng (speaks)': execFileSync('sh', ['-c', 'command -v espeak-ng'], { encoding: 'utf8' }).trim(),
      'the en-us acoustic model and dictionary (POCKETSPHINX_MODEL_DIR)': model,
      'pkg-config (finds the decoder’s flags)': '/usr/bin/pkg-config',
      ...Object.fromEntries(
        pcFiles
          .trim()
          .split('\n')
          .map((pc) => [`${pc} (the decoder’s libraries)`, pc]),
      ),
      'pocketsphinx.h': join(/-I(\S*pocketsphinx)\b/.exec(cflags)?.[1] ?? '/usr/include/pocketsphinx', 'pocketsphinx.h'),
      'gcc (compiles the decoder on first use)': '/usr/bin/gcc',
      'the C library’s headers (gcc only recommends them)': '/usr/include/stdio.h',
    };
    const installed = installedBy(plan.packages);
    const missing = Object.entries(needs)
      .map(([what, path]) => ({ what, path, owner: owner(path) }))
      .filter((need) => !installed.has(need.owner));
    expect(missing).toEqual([]);
  });

  it('installs no test or packaging tools', () => {
    expect(plan.packages.filter((p) => ['sox', 'zip', 'unzip', 'chromium'].includes(p))).toEqual([]);
  });

  it('starts with startup.sh, exposes the port it sets, and health-checks /health on $PORT', () => {
    expect(plan.cmd).toEqual(['bash', 'startup.sh']);
    expect(plan.expose).toEqual([Number(plan.env.PORT)]);
    expect(plan.env.NODE_ENV).toBe('production');
    expect(plan.healthcheck?.cmd.join(' ')).toMatch(/^node -e fetch\(`http:\/\/127\.0\.0\.1:\$\{process\.env\.PORT\}\/health`\)/);
    // voice-api compiles its decoder for the first health check: the start period must allow for it.
    expect(parseInt(plan.healthcheck?.options['start-period'] ?? '0', 10)).toBeGreaterThanOrEqual(60);
  });
});

describe('the artifact the image COPYs, run as the image runs it', () => {
  let runDir: string;
  let app: string;
  let service: ManagedProcess | undefined;
  /** Root drops to the image's uid, as USER does; anyone else already runs as a non-root user. */
  const asImageUser = (command: string, args: string[]) =>
    process.getuid?.() === 0
      ? { command: 'setpriv', args: [`--reuid=${IMAGE_UID}`, `--regid=${IMAGE_UID}`, '--clear-groups', command, ...args] }
      : { command, args };

  beforeAll(() => {
    if (!existsSync(ZIP)) throw new Error('dist/packages/voice-api.zip is missing: npx nx run voice-api:package (npx nx run deploy-e2e:test builds it first)');
    runDir = mkdtempSync(join(realpathSync(tmpdir()), 'voice-api-image-'));
    chmodSync(runDir, 0o755);
    app = join(runDir, plan.workdir);
    mkdirSync(app, { recursive: true });
    execFileSync('unzip', ['-q', ZIP, '-d', app]);
  }, 120_000);

  afterAll(async () => {
    if (service?.running()) await service.stop(5_000);
    if (!runDir) return;
    execFileSync('chmod', ['-R', 'u+w', runDir]);
    rmSync(runDir, { recursive: true, force: true });
  });

  it('holds what CMD runs: an executable startup.sh beside dist/main.js and node_modules', () => {
    expect(statSync(join(app, 'startup.sh')).mode & 0o111).toBe(0o111);
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', '@voice', 'agent', 'native', 'pocketsphinx-warm.c'))).toBe(true);
  });

  it('is healthy with the offline engines up, with the image’s ENV, read-only code and a non-root user, and stops cleanly on SIGTERM', async () => {
    // The code read-only (COPY --chown=root), the outbox and HOME the user's (RUN mkdir/chown).
    execFileSync('chmod', ['-R', 'a-w', app]);
    const dataDir = join(runDir, 'data');
    const home = join(runDir, 'home');
    for (const dir of [dataDir, home]) {
      mkdirSync(dir);
      if (process.getuid?.() === 0) chownSync(dir, IMAGE_UID, IMAGE_UID);
    }
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      ...plan.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      // App Settings; persistence-api is left out, so /health answers 200 "degraded".
      PERSISTENCE_API_URL: 'http://127.0.0.1:9',
      ALLOW_INSECURE_CONNECTIONS: 'true',
      VOICE_API_CLIENT_SECRET: randomBytes(24).toString('hex'),
      ALLOWED_HOSTS: '127.0.0.1',
    };
    const [command, ...args] = plan.cmd ?? [];
    service = startProcess({ name: 'voice-api-image', ...asImageUser(command, args), cwd: app, env, group: true });
    await waitForHealthy(service, `http://127.0.0.1:${port}/health`, 240_000);

    const [check, ...checkArgs] = plan.healthcheck?.cmd ?? [];
    const healthcheck = asImageUser(check, checkArgs);
    expect(spawnSync(healthcheck.command, healthcheck.args, { cwd: app, env, timeout: 10_000 }).status).toBe(0);
    const body = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('degraded');
    for (const name of ['outbox', 'vad:energy', 'stt:offline', 'llm:offline', 'tts:offline'])
      expect({ name, ...body.checks[name] }).toMatchObject({ name, status: 'up' });
    expect(body.checks['persistence-api'].status).toBe('down');

    if (process.getuid?.() === 0) expect(statSync(`/proc/${service.child.pid}`).uid).toBe(IMAGE_UID);
    expect(await service.stop(10_000)).toEqual({ code: 0, signal: null, timedOut: false });
  }, 300_000);
});
