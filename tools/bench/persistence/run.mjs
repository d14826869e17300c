#!/usr/bin/env node
// persistence-api benchmark: a fresh PostgreSQL database with 10,000 conversations / 100,000
// messages, the built API on a free local port, autocannon against two read endpoints and against a
// bare Fastify server (the machine's ceiling). See README.md. Usage:
//   npm run bench:persistence -- [--build] [--duration 20] [--connections 50] [--warmup 2] [--profile] [--workers 1]
import autocannon from 'autocannon';
import pg from 'pg';
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanupRegistry, fail, freePort, intOption, waitForHealth } from '../common.mjs';
import { summarise } from './profile-summary.mjs';
import { CONVERSATIONS, DETAIL_MESSAGES, MESSAGES, seed } from './seed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
// BENCH_API_DIST benchmarks another build of the app (e.g. a patched copy, to A/B a fix).
const dist = process.env.BENCH_API_DIST ?? join(root, 'apps/persistence-api/dist');
const BUILD_COMMAND = 'NX_DAEMON=false npx nx run persistence-api:build';

const TARGET_P99_MS = 50;

const { values: args } = parseArgs({
  options: {
    build: { type: 'boolean', default: false },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    // V8's sampling profiler in the API process while each endpoint is measured: results/profile-*.txt
    profile: { type: 'boolean', default: false },
    // node:cluster workers serving the API (cluster.cjs); 1 is the plain single process
    workers: { type: 'string', default: '1' },
  },
});
const int = (name, max) => intOption(args, name, max);
const duration = int('duration', 300);
const connections = int('connections', 1000);
const warmup = int('warmup', 60);
const workers = int('workers', 16);
if (args.profile && workers > 1) fail('--profile profiles one process: leave out --workers');
const envPrefix = ['BENCH_PG_URL', 'BENCH_API_DIST']
  .filter((k) => process.env[k])
  .map((k) => `${k}=${process.env[k]} `)
  .join('');
const command = `${envPrefix}npm run bench:persistence -- --duration ${duration} --connections ${connections} --warmup ${warmup}${workers > 1 ? ` --workers ${workers}` : ''}`;

const { add: onCleanup, run: cleanup, started: cleaning } = cleanupRegistry();

const step = (message) => console.log(`• ${message}`);
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(2);

const load1mAtStart = Number(loadavg()[0].toFixed(2));

async function main() {
  if (load1mAtStart > cpus().length / 2) {
    console.warn(`warning: load average ${load1mAtStart} on ${cpus().length} CPUs: other work is running, figures will be low and noisy`);
  }
  if (args.build) {
    const built = spawnSync(BUILD_COMMAND, { cwd: root, shell: true, stdio: 'inherit' });
    if (built.status !== 0) fail('build failed');
  }
  for (const file of ['main.js', 'database/cli.js']) {
    if (!existsSync(join(dist, file))) fail(`${join(dist, file)} is missing; build first:\n  cd ${root} && ${BUILD_COMMAND}\n(or pass --build)`);
  }

  // ---- a fresh database ----------------------------------------------------------------------
  const serverUrl = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbName = `bench_persistence_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl.href });
  await admin.connect();
  onCleanup(() => admin.end());
  await admin.query(`CREATE DATABASE ${dbName}`);
  onCleanup(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    step(`dropped database ${dbName}`);
  });
  const dbUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${dbName}` }).href;
  step(`created database ${dbName}`);

  const migrated = spawnSync('node', [join(dist, 'database/cli.js'), 'migrate'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  if (migrated.status !== 0) throw new Error('migrations failed');

  // ---- the API -------------------------------------------------------------------------------
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-persistence-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const profileDir = join(dataDir, 'profiles');
  const profileFlags = args.profile ? ['--require', join(here, 'profiler.cjs')] : [];
  const apiArgs = workers > 1 ? [join(here, 'cluster.cjs'), join(dist, 'main.js'), String(workers)] : [...profileFlags, join(dist, 'main.js')];
  const api = spawn('node', apiArgs, {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: dbUrl,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DB_POOL_MAX: '10',
      // The load comes from one user at one address: the request-rate limit would measure only itself.
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...(args.profile ? { BENCH_PROFILE_DIR: profileDir } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const apiExited = new Promise((resolve) => api.once('exit', resolve));
  onCleanup(async () => {
    if (api.exitCode !== null || api.signalCode !== null) return;
    api.kill('SIGTERM');
    await apiExited;
  });
  api.once('exit', (code, signal) => {
    if (!cleaning()) console.error(`persistence-api exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth('persistence-api', `${base}/health`, api, 30_000);
  step(`persistence-api is up on ${base}`);

  // ---- one user, seeded directly with SQL ----------------------------------------------------
  const registered = await request(`${base}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: 'bench-password-1' }),
  });
  const { accessToken, user } = registered.json;
  const auth = { authorization: `Bearer ${accessToken}` };

  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  onCleanup(() => db.end());
  const seedStart = performance.now();
  const detailId = await seed(db, user.id);
  const seedSeconds = seconds(seedStart);
  const analyzeStart = performance.now();
  await db.query('VACUUM ANALYZE conversations, messages'); // ANALYZE, plus a settled visibility map
  step(`seeded ${CONVERSATIONS} conversations / ${MESSAGES} messages in ${seedSeconds} s (VACUUM ANALYZE ${seconds(analyzeStart)} s)`);

  // ---- sanity checks, and the body the ceiling serves ----------------------------------------
  const listUrl = `${base}/v1/conversations?limit=20`;
  const detailUrl = `${base}/v1/conversations/${detailId}`;
  const list = await request(listUrl, { headers: auth });
  if (list.json.items.length !== 20) throw new Error(`list returned ${list.json.items.length} items, expected 20`);
  const detail = await request(detailUrl, { headers: auth });
  if (detail.json.messages.length !== DETAIL_MESSAGES) throw new Error(`detail returned ${detail.json.messages.length} messages`);

  const ceiling = fork(join(here, 'ceiling.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onCleanup(() => ceiling.kill('SIGTERM'));
  const ceilingPort = await new Promise((resolve, reject) => {
    ceiling.once('message', (m) => resolve(m.port));
    ceiling.once('exit', (code) => reject(new Error(`ceiling server exited (code ${code})`)));
    ceiling.send({ body: list.text });
  });

  // ---- measure -------------------------------------------------------------------------------
  const ceilingUrl = `http://127.0.0.1:${ceilingPort}/`;
  const targets = [
    {
      endpoint: 'GET /v1/conversations?limit=20',
      slug: 'list',
      url: listUrl,
      headers: auth,
      bytes: list.text.length,
      pid: api.pid,
    },
    {
      endpoint: `GET /v1/conversations/:id (${DETAIL_MESSAGES} messages)`,
      slug: 'detail',
      url: detailUrl,
      headers: auth,
      bytes: detail.text.length,
      pid: api.pid,
    },
    {
      endpoint: 'ceiling: bare Fastify, same body as the list',
      url: ceilingUrl,
      headers: {},
      bytes: list.text.length,
      pid: ceiling.pid,
    },
  ];
  const rows = [];
  let profiles = 0;
  for (const t of targets) {
    step(`${t.endpoint}: ${warmup} s warm-up, ${duration} s measured, ${connections} connections`);
    await cannon(t, warmup);
    const profiling = args.profile && t.pid === api.pid;
    if (profiling) api.kill('SIGUSR2'); // profiler.cjs: start
    const cpuBefore = cpuSeconds(t.pid);
    const r = await cannon(t, duration);
    const cpu = cpuSeconds(t.pid) - cpuBefore; // the server's CPU time: less sensitive to a busy machine than latency
    if (profiling) {
      api.kill('SIGUSR2'); // profiler.cjs: stop and write the next <n>.cpuprofile
      const file = await profileWritten(profileDir, ++profiles);
      const out = join(here, `results/profile-${t.slug}.txt`);
      writeFileSync(out, `${t.endpoint}\n${summarise(JSON.parse(readFileSync(file, 'utf8')), r.requests.total)}\n`);
      step(`CPU profile: ${out} (open ${file.replace(dataDir, '<temp>')} in DevTools before the run ends to see more)`);
    }
    rows.push({
      endpoint: t.endpoint,
      responseBytes: t.bytes,
      requestsPerSec: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      requests: r.requests.total,
      serverCpuMsPerRequest: Number.isNaN(cpu) ? null : Number(((cpu * 1000) / r.requests.total).toFixed(3)),
    });
  }
  const ceilingRps = rows[2].requestsPerSec;
  for (const row of rows) row.ratioToCeiling = Number((row.requestsPerSec / ceilingRps).toFixed(2));

  // ---- report --------------------------------------------------------------------------------
  const results = {
    date: new Date().toISOString(),
    command: `npx nx run persistence-api:build && ${command}`,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      node: process.version,
      postgres: (await db.query('SHOW server_version')).rows[0].server_version,
      // a high load average at the start means other work was running: the figures are then low and noisy
      loadAverage1m: { atStart: load1mAtStart, atEnd: Number(loadavg()[0].toFixed(2)) },
    },
    app: {
      commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain', 'apps', 'libs') !== '',
    },
    settings: { connections, durationSec: duration, warmupSec: warmup, dbPoolMax: 10, apiProcesses: workers, targetP99Ms: TARGET_P99_MS },
    seed: { conversations: CONVERSATIONS, messages: MESSAGES, seconds: Number(seedSeconds) },
    results: rows,
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  const resultsFile = workers > 1 ? 'results/latest-cluster.json' : 'results/latest.json';
  writeFileSync(join(here, resultsFile), `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\n${table(rows)}\n`);
  for (const row of rows.slice(0, 2)) {
    const verdict = row.p99Ms < TARGET_P99_MS ? 'meets' : 'MISSES';
    console.log(`${row.endpoint}: p99 ${row.p99Ms} ms ${verdict} the target (< ${TARGET_P99_MS} ms)`);
  }
  console.log(`\nresults: tools/bench/persistence/${resultsFile}\nreproduce: ${results.command}`);
  const failures = rows.filter((r) => r.non2xx || r.errors);
  if (failures.length) {
    console.error(`\nFAILED: non-2xx responses or errors on ${failures.map((r) => r.endpoint).join('; ')}`);
    process.exitCode = 1;
  }
}

async function profileWritten(dir, n, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(join(dir, `${n}.done`))) {
    if (Date.now() > deadline) throw new Error(`the API wrote no CPU profile in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return join(dir, `${n}.cpuprofile`);
}

/**
 * utime + stime of a process and its children (the cluster's workers) in seconds, from /proc (Linux;
 * 100 clock ticks a second); NaN elsewhere.
 */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
    return (Number(fields[11]) + Number(fields[12])) / 100 + children.reduce((sum, child) => sum + cpuSeconds(child), 0);
  } catch {
    return NaN;
  }
}

function cannon({ url, headers }, seconds) {
  return autocannon({ url, headers, connections, duration: seconds });
}

const git = (...gitArgs) => spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';

async function request(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return { text, json: JSON.parse(text) };
}

function table(rows) {
  const head = ['endpoint', 'req/s (avg)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'vs ceiling', 'server CPU ms/req'];
  const lines = rows.map((r) => [
    r.endpoint,
    r.requestsPerSec,
    r.p50Ms,
    r.p99Ms,
    r.non2xx,
    r.errors,
    r.ratioToCeiling.toFixed(2),
    r.serverCpuMsPerRequest ?? 'n/a',
  ]);
  return [head, head.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
