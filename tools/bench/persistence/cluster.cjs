// `run.mjs --workers N`: the built API as N node:cluster workers sharing one port (one Node process
// per core, as PM2 or node:cluster would run it in production), to compare with the single process.
// Usage: node cluster.cjs <dist/main.js> <workers>
const cluster = require('node:cluster');

const [main, count] = process.argv.slice(2);
if (cluster.isPrimary) {
  const workers = Number(count);
  if (!main || !Number.isInteger(workers) || workers < 1) throw new Error('usage: node cluster.cjs <dist/main.js> <workers>');
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      console.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}): stopping the cluster`);
      process.exitCode = 1;
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    });
  }
} else {
  require(main);
}
