#!/usr/bin/env node
// next build, then make the standalone output self-contained: Next leaves public/ and .next/static
// out of .next/standalone, and `node server.js` serves them only when they sit beside it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(app, '..', '..');
const built = spawnSync('npx', ['next', 'build', app], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
if (built.status !== 0) process.exit(built.status ?? 1);

const server = join(app, '.next', 'standalone', 'apps', 'web');
if (!existsSync(join(server, 'server.js'))) {
  console.error(`next build produced no ${join(server, 'server.js')}`);
  process.exit(1);
}
for (const [from, to] of [
  [join(app, 'public'), join(server, 'public')],
  [join(app, '.next', 'static'), join(server, '.next', 'static')],
]) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}
console.log(`standalone server: ${join(server, 'server.js')}`);
