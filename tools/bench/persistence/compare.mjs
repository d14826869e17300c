#!/usr/bin/env node
// A/B of builds of persistence-api by CPU time per request, the figure a busy machine disturbs least:
// one seeded database, then rounds that start each build in turn, warm it up and send it a fixed number
// of list and detail requests, reading the API's CPU time and its PostgreSQL backends' from /proc.
// Builds alternate within each round, so a change in the machine's load hits them alike. Usage:
//   node tools/bench/persistence/compare.mjs [--requests 5000] [--rounds 3] [--connections 50] before=<dist> after=<dist>
// Each <dist> is a build's output folder (a copy of apps/persistence-api/dist); the first one migrates the
// database, so list the build with the newest migrations first. Linux only (/proc).
import autocannon from 'autocannon';
import pg from 'pg';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seed } from './seed.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
  },
});
const fail = (message) => {
  console.error(message);
  process.exit(1);
};
const int = (name) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number above 0`);
  return n;
};
const [requests, rounds, connections] = [int('requests'), int('rounds'), int('connections')];
const builds = positionals.map((p) => {
  const [label, dist] = p.split('=');
  if (!label || !dist || !existsSync(join(dist, 'main.js'))) fail(`"${p}" is not label=<dist folder holding main.js>`);
  return { label, dist: resolve(dist) };
});
if (builds.length === 0) fail('usage: compare.mjs [--requests 5000] [--rounds 3] [--connections 50] label=<dist> ...');

const serverUrl = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `bench_compare_${Date.now()}`;
const dbUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${dbName}` }).href;
const dataDir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
const env = {
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: dbUrl,
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  DB_POOL_MAX: '10',
  RATE_LIMIT_PER_MINUTE: '1000000',
};
const admin = new pg.Client({ connectionString: serverUrl.href });
let api;

async function cleanup() {
  if (api) await stop(api);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((err) => console.error(`cleanup: ${err.message}`));
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void cleanup().finally(() => process.exit(130)));

async function main() {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const migrated = spawnSync('node', [join(builds[0].dist, 'database/cli.js'), 'migrate'], { env, stdio: 'inherit' });
  if (migrated.status !== 0) throw new Error('migrations failed');

  const account = { email: `compare-${Date.now()}@example.com`, password: 'bench-password-1' };
  api = await start(builds[0].dist);
  const { user } = await post(`${api.base}/v1/auth/register`, account);
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const detailId = await seed(db, user.id);
  await db.query('VACUUM ANALYZE conversations, messages');
  await db.end();
  await stop(api);
  api = undefined;

  const endpoints = [
    ['list', '/v1/conversations?limit=20'],
    ['detail', `/v1/conversations/${detailId}`],
  ];
  const samples = new Map();
  for (let round = 1; round <= rounds; round++) {
    for (const build of builds) {
      api = await start(build.dist);
      const { accessToken } = await post(`${api.base}/v1/auth/login`, account);
      const headers = { authorization: `Bearer ${accessToken}` };
      for (const [name, path] of endpoints) {
        const url = api.base + path;
        await autocannon({ url, headers, connections, duration: 2 }); // warm-up, and opens the pool's connections
        const backends = await backendPids();
        const [apiBefore, pgBefore] = [cpuSeconds(api.child.pid), sum(backends.map(cpuSeconds))];
        const r = await autocannon({ url, headers, connections, amount: requests });
        const apiMs = ((cpuSeconds(api.child.pid) - apiBefore) * 1000) / r.requests.total;
        const pgMs = ((sum(backends.map(cpuSeconds)) - pgBefore) * 1000) / r.requests.total;
        if (r.non2xx || r.errors) throw new Error(`${build.label} ${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        const key = `${build.label} ${name}`;
        samples.set(key, [...(samples.get(key) ?? []), { apiMs, pgMs }]);
        console.log(
          `round ${round}  ${key.padEnd(24)} API ${apiMs.toFixed(3)} ms/req  PostgreSQL ${pgMs.toFixed(3)} ms/req  ` +
            `${Math.round(r.requests.average)} req/s  p99 ${r.latency.p99} ms  load ${loadavg()[0].toFixed(2)}`,
        );
      }
      await stop(api);
      api = undefined;
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\n| build, endpoint | API CPU ms/req (median of ${rounds}) | PostgreSQL CPU ms/req | all API samples |`);
  console.log('| --- | --- | --- | --- |');
  for (const [key, xs] of samples) {
    const apiMs = xs.map((x) => x.apiMs);
    const pgMs = xs.map((x) => x.pgMs);
    console.log(`| ${key} | ${median(apiMs).toFixed(3)} | ${median(pgMs).toFixed(3)} | ${apiMs.map((x) => x.toFixed(3)).join(', ')} |`);
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** The API's connections to its database: their CPU is part of what a request costs on this machine. */
async function backendPids() {
  const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'persistence-api'`, [dbName]);
  return rows.map((r) => r.pid);
}

/** utime + stime in seconds, from /proc (100 clock ticks a second). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function start(dist) {
  const port = await new Promise((done, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address();
      server.close(() => done(p));
    });
  });
  const child = spawn('node', [join(dist, 'main.js')], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`${dist}/main.js exited (code ${child.exitCode})`);
    if (
      (await fetch(`${base}/health`)
        .then((r) => r.status)
        .catch(() => 0)) === 200
    )
      return { child, base };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${dist}/main.js not healthy after 30 s`);
}

async function stop({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
