// Preloaded into the API by `run.mjs --profile` (node --require): V8's sampling CPU profiler,
// toggled by SIGUSR2 so that only the measured load is profiled, not start-up or seeding. Each stop
// writes $BENCH_PROFILE_DIR/<n>.cpuprofile (Chrome DevTools format) and then <n>.done.
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
if (!dir) throw new Error('profiler.cjs needs BENCH_PROFILE_DIR');
mkdirSync(dir, { recursive: true });

const session = new Session();
session.connect();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));

let running = false;
let count = 0;
process.on('SIGUSR2', () => {
  const toggle = running
    ? post('Profiler.stop').then(({ profile }) => {
        const n = ++count;
        writeFileSync(join(dir, `${n}.cpuprofile`), JSON.stringify(profile));
        writeFileSync(join(dir, `${n}.done`), '');
      })
    : post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
        .then(() => post('Profiler.start'));
  running = !running;
  toggle.catch((err) => console.error(`profiler: ${err.message}`));
});
