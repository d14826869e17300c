#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from profiler.cjs, node --cpu-prof or DevTools): CPU time by package,
// the top functions by self time and by inclusive time, and CPU per request when given a count.
//   node tools/bench/persistence/profile-summary.mjs <file.cpuprofile> [requests]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const IDLE = new Set(['(idle)', '(root)']);

/** Where a frame's code lives: an npm package, our app or libs, Node itself, or a V8 pseudo-frame. */
function packageOf({ url, functionName }) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (ours) return ours[1] === 'apps' ? ours[2] : `@voice/${ours[2]}`;
  if (url.startsWith('node:')) return 'node (internals)';
  if (!url) return functionName.startsWith('(') ? functionName : 'native (V8 builtins, C++)';
  return url;
}

const frameName = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim();

export function summarise(profile, requests) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // timeDeltas[i + 1] is how long the sample i was current: charge it to sample i's frame.
  const self = new Map();
  const inclusive = new Map();
  const byPackage = new Map();
  let busyUs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const us = timeDeltas[i + 1] ?? 0;
    const node = byId.get(samples[i]);
    if (IDLE.has(node.callFrame.functionName)) continue;
    busyUs += us;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const pkg = packageOf(node.callFrame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const key = frameName(byId.get(id).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  inclusive.delete('(root)');

  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const perRequest = requests ? ` = ${(busyUs / 1000 / requests).toFixed(3)} ms per request over ${requests} requests` : '';
  const pct = (us) => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `${ms(us)} ${pct(us)}  ${name}`);
  return [
    `busy (non-idle) CPU on the main thread: ${(busyUs / 1000).toFixed(0)} ms of ${wallMs.toFixed(0)} ms profiled${perRequest}`,
    '',
    'self time by package:',
    ...top(byPackage, 20),
    '',
    'top functions by self time:',
    ...top(self, 30),
    '',
    'top functions by inclusive time (self + callees):',
    ...top(inclusive, 40),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary.mjs <file.cpuprofile> [requests]');
    process.exit(1);
  }
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')), requests ? Number(requests) : undefined));
}
