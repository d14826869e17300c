#!/usr/bin/env node
// `npm start`: build, migrate, seed when empty, run every app on its embedded defaults
// (SQLite, generated dev keys), print the URLs and the demo login. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
// Loopback only, unless HOST says otherwise (HOST=0.0.0.0 to reach it from another device): the demo
// login and the generated development keys should not be open to the whole network.
const bindHost = process.env.HOST ?? '127.0.0.1';

const APPS = [
  {
    name: 'persistence-api',
    port: 3001,
    main: 'apps/persistence-api/dist/main.js',
    before: [
      ['apps/persistence-api/dist/database/cli.js', 'migrate'],
      ['apps/persistence-api/dist/database/cli.js', 'seed'],
    ],
    links: ['/health', '/docs'],
  },
  {
    name: 'voice-api',
    port: 3002,
    main: 'apps/voice-api/dist/main.js',
    before: [],
    links: ['/health', '/docs', '/metrics'],
  },
  {
    name: 'web',
    port: 3000,
    main: 'apps/web/.next/standalone/apps/web/server.js',
    before: [],
    links: ['/login', '/api/health'],
    // The standalone server always runs in production mode; locally it is plain HTTP on loopback (which
    // production refuses unless allowed), and its service secret is persistence-api's development default.
    env: {
      ALLOW_INSECURE_CONNECTIONS: 'true',
      PERSISTENCE_API_URL: 'http://127.0.0.1:3001',
      VOICE_API_URL: 'http://127.0.0.1:3002',
      SESSION_COOKIE_SECURE: 'false',
      WEB_CLIENT_SECRET: 'dev-web-client-secret-change-me',
    },
  },
].filter((app) => existsSync(join(root, 'apps', app.name)));

const envFileArgs = (app) => {
  const file = join(root, 'apps', app.name, '.env');
  return existsSync(file) ? [`--env-file=${file}`] : [];
};

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The offline speech engines are Debian packages: installed here when we may, otherwise named.
if (spawnSync('bash', [join(root, 'tools/dev/system-packages.sh')], { stdio: 'inherit' }).status !== 0) {
  console.warn('voice-api will start, but its /health reports the missing speech engines until they are installed.');
}

console.log(`building ${APPS.map((a) => a.name).join(', ')} …`);
run('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS.map((a) => a.name), '--outputStyle=static']);

for (const app of APPS) for (const [script, ...args] of app.before) run('node', [...envFileArgs(app), script, ...args]);

const children = APPS.map((app) =>
  spawn('node', [...envFileArgs(app), app.main], {
    cwd: root,
    // HOST for the APIs, HOSTNAME for Next's standalone server (forced: shells may export the machine's name).
    env: { PORT: String(app.port), ...app.env, ...env, HOST: bindHost, HOSTNAME: bindHost },
    stdio: 'inherit',
  }),
);

setTimeout(() => {
  console.log('\nRunning:');
  // localhost is the origin the apps' development defaults allow (CORS, cookies), whatever the binding.
  const host = ['127.0.0.1', '0.0.0.0', '::'].includes(bindHost) ? 'localhost' : bindHost;
  for (const app of APPS) console.log(`  ${app.name.padEnd(16)} http://${host}:${app.port}  (${app.links.join(', ')})`);
  console.log(`\nOpen http://${host}:3000 and sign in with demo@example.com / demo-password-1\nCtrl-C stops everything.\n`);
}, 1500);

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`an app exited (code ${code}); stopping the rest`);
      stop('SIGTERM');
      process.exitCode = code || 1;
    }
  });
}
