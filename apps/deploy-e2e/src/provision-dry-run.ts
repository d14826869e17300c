import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs tools/azure/provision.sh and reads back the az commands its dry run prints. */

const root = join(__dirname, '..', '..', '..');
export const PROVISION_SCRIPT = join(root, 'tools', 'azure', 'provision.sh');

export function provision(args: string[], env: Record<string, string>, path: string, home: string) {
  const r = spawnSync('bash', [PROVISION_SCRIPT, ...args], { encoding: 'utf8', env: { PATH: path, HOME: home, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Splits a printed command back into its arguments (the script quotes with single quotes). */
export function argv(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:[^\s']+|'[^']*')+/g)) out.push(m[0].replace(/'([^']*)'/g, '$1'));
  return out;
}

export const startsWith = (cmd: string[], ...words: string[]) => words.every((w, i) => cmd[i] === w);
export const opt = (cmd: string[], name: string) => (cmd.includes(name) ? cmd[cmd.indexOf(name) + 1] : undefined);
/** Every value of an option given more than once (--locations Id=a --locations Id=b). */
export const opts = (cmd: string[], name: string) => cmd.flatMap((word, i) => (word === name ? [cmd[i + 1]] : []));

/** The first command that starts with these words; the test fails when there is none. */
export function first(cmds: string[][], ...words: string[]): string[] {
  const found = cmds.find((c) => startsWith(c, 'az', ...words));
  if (!found) throw new Error(`no az ${words.join(' ')} command`);
  return found;
}
export const all = (cmds: string[][], ...words: string[]) => cmds.filter((c) => startsWith(c, 'az', ...words));

/** NAME=VALUE words after --settings or --slot-settings, up to the next option. */
function assignments(cmd: string[], flag: string): [string, string][] {
  const start = cmd.indexOf(flag);
  if (start === -1) return [];
  const words = cmd.slice(start + 1);
  const end = words.findIndex((w) => w.startsWith('-'));
  return (end === -1 ? words : words.slice(0, end)).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
}

export type DryRun = ReturnType<typeof readDryRun>;

export function readDryRun(stdout: string) {
  const cmds = stdout
    .split('\n')
    .filter((l) => l.startsWith('az '))
    .map(argv);
  const site = (app: string) => {
    const name = all(cmds, 'webapp', 'create')
      .map((c) => opt(c, '-n'))
      .find((n) => n?.endsWith(`-${app}`));
    if (!name) throw new Error(`no web app created for ${app}`);
    return name;
  };
  const forSite = (app: string, slot?: string, ...words: string[]) =>
    all(cmds, ...words).filter((c) => opt(c, '-n') === site(app) && opt(c, '--slot') === slot);
  const appSettings = (app: string, slot: string | undefined, flag: string) =>
    Object.fromEntries(forSite(app, slot, 'webapp', 'config', 'appsettings', 'set').flatMap((c) => assignments(c, flag))) as Record<string, string>;
  /** Every App Setting set on the app (or slot), name to value, slot settings included. */
  const settings = (app: string, slot?: string) => ({ ...appSettings(app, slot, '--settings'), ...appSettings(app, slot, '--slot-settings') });
  /** The App Settings set as slot settings ("sticky": a swap does not move them). */
  const slotSettings = (app: string, slot?: string) => appSettings(app, slot, '--slot-settings');
  return { stdout, cmds, site, forSite, settings, slotSettings };
}
