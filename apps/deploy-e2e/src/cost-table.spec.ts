import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { all, opt, provision, readDryRun, type DryRun } from './provision-dry-run';

/**
 * DEPLOYMENT.md's cost table against what tools/azure/provision.sh creates: every resource with a
 * SKU, per environment, its SKUs (and App Service instance counts), and the option that creates it.
 */

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
type Environment = (typeof ENVIRONMENTS)[number];

const home = mkdtempSync(join(tmpdir(), 'cost-table-spec-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function dryRun(args: string[]): DryRun {
  const r = provision(['--dry-run', ...args], {}, '/usr/bin:/bin', home);
  if (r.status !== 0) throw new Error(`dry run failed (${r.status}): ${r.stderr}`);
  return readDryRun(r.stdout);
}

interface Billed {
  skus: string[];
  instances?: number;
}

/** Every resource the dry run creates with a SKU: name to its SKUs (and instances for plans). */
function billed(run: DryRun): Map<string, Billed> {
  const found = new Map<string, Billed>();
  for (const c of all(run.cmds, 'appservice', 'plan', 'create'))
    found.set(opt(c, '-n') as string, { skus: [opt(c, '--sku') as string], instances: Number(opt(c, '--number-of-workers') ?? 1) });
  for (const c of all(run.cmds, 'postgres', 'flexible-server', 'create')) found.set(opt(c, '-n') as string, { skus: [opt(c, '--sku-name') as string] });
  for (const c of all(run.cmds, 'redis', 'create')) found.set(opt(c, '-n') as string, { skus: [opt(c, '--sku') as string, opt(c, '--vm-size') as string] });
  for (const c of all(run.cmds, 'acr', 'create')) found.set(opt(c, '-n') as string, { skus: [opt(c, '--sku') as string] });
  for (const c of all(run.cmds, 'cognitiveservices', 'account', 'create')) {
    const deployments = all(run.cmds, 'cognitiveservices', 'account', 'deployment', 'create').filter((d) => opt(d, '-n') === opt(c, '-n'));
    found.set(opt(c, '-n') as string, {
      skus: [opt(c, '--sku') as string, ...deployments.flatMap((d) => [opt(d, '--model-name') as string, opt(d, '--sku-name') as string])],
    });
  }
  return found;
}

interface Row {
  resource: string;
  created: string;
  cells: Record<Environment, string>;
}

function costTable(): Row[] {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'DEPLOYMENT.md'), 'utf8');
  const section = doc.slice(doc.search(/^## (\d+\. )?What it costs/m));
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const split = (line: string) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim());
  const header = split(lines[0]);
  expect(header.slice(0, 2)).toEqual(['resource', 'created']);
  expect(header.slice(2, 5)).toEqual([...ENVIRONMENTS]);
  return lines.slice(2).map((line) => {
    const [resource, created, ...cells] = split(line);
    return { resource, created, cells: Object.fromEntries(ENVIRONMENTS.map((env, i) => [env, cells[i]])) as Record<Environment, string> };
  });
}

const ticks = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
/** Names are `<prefix>-<env>-…`, or `<prefix><env>…` where Azure allows only letters and digits. */
const NAMED = /^<prefix>(-?)<env>\1/;
const resourceName = (row: Row, env: Environment) =>
  ticks(row.resource)
    .find((t) => NAMED.test(t))
    ?.replace(NAMED, (_, dash: string) => `voiceagent${dash}${env}${dash}`);
/** "always", an option that creates the resource (`--redis`), or one that leaves it out ("without `--voice-container`"). */
const WITHOUT = /^without `([^`]+)`$/;

describe('DEPLOYMENT.md cost table', () => {
  const rows = costTable().filter((row) => ticks(row.resource).some((t) => NAMED.test(t)));
  const options = (env: Environment) => ['--redis', '--azure-openai', '--voice-container', ...(env === 'dev' ? [] : ['--staging-slot'])];
  const byEnv = (args: (env: Environment) => string[]) =>
    Object.fromEntries(ENVIRONMENTS.map((env) => [env, billed(dryRun([env, ...args(env)]))])) as Record<Environment, Map<string, Billed>>;
  const withAll = byEnv(options);
  const plain = byEnv(() => []);
  // What some option leaves out (Speech, with --voice-container) is in the plain run.
  const everything = Object.fromEntries(ENVIRONMENTS.map((env) => [env, new Map([...plain[env], ...withAll[env]])])) as Record<
    Environment,
    Map<string, Billed>
  >;

  it('has a row per billed resource', () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
  });

  describe.each(ENVIRONMENTS)('%s', (env) => {
    it('lists every resource the script creates with a SKU', () => {
      const listed = rows.map((row) => resourceName(row, env));
      expect([...everything[env].keys()].filter((name) => !listed.includes(name))).toEqual([]);
    });

    it('gives each resource the SKUs (and instance count) the script creates it with', () => {
      for (const row of rows) {
        const name = resourceName(row, env) as string;
        const created = everything[env].get(name);
        const cell = row.cells[env];
        if (!created) {
          expect([name, ticks(cell)]).toEqual([name, []]);
          continue;
        }
        expect([name, ticks(cell).sort()]).toEqual([name, [...created.skus].sort()]);
        if (created.instances !== undefined) expect([name, cell]).toEqual([name, expect.stringContaining(`× ${created.instances}`)]);
      }
    });

    it('says which option creates a resource: "always" ones exist without any option', () => {
      for (const row of rows) {
        const name = resourceName(row, env) as string;
        if (!everything[env].has(name)) continue;
        const without = row.created.match(WITHOUT)?.[1];
        const always = row.created === 'always' || without !== undefined;
        expect([name, row.created, plain[env].has(name)]).toEqual([name, row.created, always]);
        if (without) expect([name, options(env).includes(without), withAll[env].has(name)]).toEqual([name, true, false]);
        else if (!always) expect(options(env)).toEqual(expect.arrayContaining(ticks(row.created)));
      }
    });
  });
});
