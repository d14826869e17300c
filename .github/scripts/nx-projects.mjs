#!/usr/bin/env node
// Which Nx projects a workflow job works on, from Nx's own project graph.
//
//   node .github/scripts/nx-projects.mjs deps <app>
//     <app> and every project it depends on (transitively), comma-separated: what a deploy workflow
//     tests before it ships <app>.
//
//   node .github/scripts/nx-projects.mjs ci
//     The projects CI must check, comma-separated (empty when none). Every project, except on a pull
//     request whose changes all lie inside apps/ and libs/ (Markdown aside): then the affected
//     projects between NX_BASE and NX_HEAD (set by nrwl/nx-set-shas), plus the projects whose tasks
//     name an affected project in `dependsOn` (voice-api's tests run a built persistence-api, an
//     edge `nx affected` does not follow). A change to a root file (jest preset, ESLint config,
//     tools/, .github/) runs everything: `nx affected` maps such files to no project, or to all of
//     them only for the few it knows (package.json, nx.json, tsconfig.base.json).
//
// With GITHUB_OUTPUT set, also writes `projects=<list>` there.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

function projectGraph() {
  const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync('npx', ['nx', 'graph', `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(file, 'utf8')).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withDependencies(graph, app) {
  if (!graph.nodes[app]) throw new Error(`no Nx project named ${app}`);
  const found = new Set([app]);
  const queue = [app];
  while (queue.length > 0) {
    for (const { target } of graph.dependencies[queue.shift()] ?? []) {
      if (graph.nodes[target] && !found.has(target)) {
        found.add(target);
        queue.push(target);
      }
    }
  }
  return [...found];
}

/** Projects whose targets list another project explicitly in `dependsOn`, and those projects. */
function taskDependents(graph, projects) {
  const result = new Set(projects);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, node] of Object.entries(graph.nodes)) {
      if (result.has(name)) continue;
      const named = Object.values(node.data.targets ?? {}).flatMap((target) =>
        (target.dependsOn ?? []).flatMap((dep) => (typeof dep === 'object' && Array.isArray(dep.projects) ? dep.projects : [])),
      );
      if (named.some((project) => result.has(project))) {
        result.add(name);
        grew = true;
      }
    }
  }
  return [...result];
}

function ciProjects(graph) {
  const all = Object.keys(graph.nodes);
  const base = process.env.NX_BASE;
  const head = process.env.NX_HEAD || 'HEAD';
  if (process.env.GITHUB_EVENT_NAME !== 'pull_request' || !base) return all;
  const mergeBase = run('git', ['merge-base', base, head]).trim();
  const changed = run('git', ['diff', '--name-only', mergeBase, head]).split('\n').filter(Boolean);
  const outside = changed.filter((file) => !/^(apps|libs)\//.test(file) && !file.endsWith('.md'));
  if (outside.length > 0) {
    console.error(`changed outside apps/ and libs/ (${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''}): every project`);
    return all;
  }
  const affected = JSON.parse(run('npx', ['nx', 'show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--json']));
  return taskDependents(graph, affected);
}

const [mode, app] = process.argv.slice(2);
const graph = projectGraph();
let projects;
if (mode === 'deps' && app) projects = withDependencies(graph, app);
else if (mode === 'ci') projects = ciProjects(graph);
else {
  console.error('usage: nx-projects.mjs deps <app> | nx-projects.mjs ci');
  process.exit(2);
}

const list = projects.sort().join(',');
console.log(list);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `projects=${list}\n`);
