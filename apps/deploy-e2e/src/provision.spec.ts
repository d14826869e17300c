import { productionRequired, type SettingMeta } from '@voice/config/core';
import { loadPersistenceApiConfig } from '@voice/config/persistence-api';
import { settingsSchemas, type SettingsApp } from '@voice/config/settings-table';
import { loadVoiceApiConfig } from '@voice/config/voice-api';
import { loadWebConfig } from '@voice/config/web';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { APPS, HEALTH_PATHS } from './apps';

const root = join(__dirname, '..', '..', '..');
const script = join(root, 'tools', 'azure', 'provision.sh');
/** App Service's own settings (not read by the apps' schemas), the only other names allowed. */
const PLATFORM = [
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITES_CONTAINER_START_TIME_LIMIT',
  'WEBSITE_SWAP_WARMUP_PING_PATH',
  'WEBSITE_SWAP_WARMUP_PING_STATUSES',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'ApplicationInsightsAgent_EXTENSION_VERSION',
];

const work = mkdtempSync(join(tmpdir(), 'provision-spec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** az and openssl that only record that they ran: the dry run must call neither. */
const trapBin = join(work, 'trap-bin');
const trapLog = join(work, 'trap.log');
mkdirSync(trapBin);
for (const tool of ['az', 'openssl']) {
  writeFileSync(join(trapBin, tool), `#!/bin/sh\necho "${tool} $*" >> '${trapLog}'\nexit 97\n`);
  chmodSync(join(trapBin, tool), 0o755);
}

function provision(args: string[], env: Record<string, string> = {}, path = `${trapBin}:/usr/bin:/bin`) {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { PATH: path, HOME: work, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Splits a printed command back into its arguments (the script quotes with single quotes). */
function argv(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:[^\s']+|'[^']*')+/g)) out.push(m[0].replace(/'([^']*)'/g, '$1'));
  return out;
}
const commands = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('az '))
    .map(argv);
const startsWith = (cmd: string[], ...words: string[]) => words.every((w, i) => cmd[i] === w);
const opt = (cmd: string[], name: string) => (cmd.includes(name) ? cmd[cmd.indexOf(name) + 1] : undefined);
/** The first command that starts with these words; the test fails when there is none. */
function first(cmds: string[][], ...words: string[]): string[] {
  const found = cmds.find((c) => startsWith(c, 'az', ...words));
  if (!found) throw new Error(`no az ${words.join(' ')} command`);
  return found;
}
const healthCheck = (config: string[]) => JSON.parse(opt(config, '--generic-configurations') ?? 'null');

function dryRun(args: string[], env: Record<string, string> = {}) {
  const r = provision(['--dry-run', ...args], env);
  if (r.status !== 0) throw new Error(`dry run failed (${r.status}): ${r.stderr}`);
  const cmds = commands(r.stdout);
  const site = (app: string) => {
    const created = cmds.filter((c) => startsWith(c, 'az', 'webapp', 'create')).map((c) => opt(c, '-n'));
    const name = created.find((n) => n?.endsWith(`-${app}`));
    if (!name) throw new Error(`no web app created for ${app}`);
    return name;
  };
  const forSite = (app: string, slot?: string, ...words: string[]) =>
    cmds.filter((c) => startsWith(c, 'az', ...words) && opt(c, '-n') === site(app) && opt(c, '--slot') === slot);
  /** Every App Setting set on the app (or slot), name to value. */
  const settings = (app: string, slot?: string) =>
    Object.fromEntries(
      forSite(app, slot, 'webapp', 'config', 'appsettings', 'set').flatMap((c) =>
        c.slice(c.indexOf('--settings') + 1, c.indexOf('-o')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    ) as Record<string, string>;
  return { ...r, cmds, site, forSite, settings };
}

describe('tools/azure/provision.sh --dry-run', () => {
  const prod = dryRun(['prod']);
  const meta = (field: unknown) => (z.globalRegistry.get(field as z.ZodType) ?? {}) as Partial<SettingMeta>;

  it('runs no az and no openssl, and needs no login', () => {
    expect(existsSync(trapLog) ? readFileSync(trapLog, 'utf8') : '').toBe('');
    expect(prod.stdout).toMatch(/^# Dry run/);
  });

  it('names everything from the prefix and the environment, in LOCATION', () => {
    const other = dryRun(['--prefix', 'acme', 'dev'], { LOCATION: 'westeurope' });
    expect(other.cmds.find((c) => startsWith(c, 'az', 'group', 'create'))).toEqual(expect.arrayContaining(['acme-dev-rg', 'westeurope']));
    expect(APPS.map(other.site)).toEqual(['acme-dev-persistence-api', 'acme-dev-voice-api', 'acme-dev-web']);
    expect(dryRun(['staging'], { PREFIX: 'zed' }).site('web')).toBe('zed-staging-web');
    expect(prod.cmds.find((c) => startsWith(c, 'az', 'appservice', 'plan', 'create'))).toEqual(expect.arrayContaining(['--is-linux', '--sku']));
    expect(other.cmds.find((c) => startsWith(c, 'az', 'appservice', 'plan', 'create'))?.join(' ')).toContain('--sku B1');
  });

  it.each(APPS)('%s: a Node 20 LTS web app with the startup command', (app) => {
    const [create] = prod.forSite(app, undefined, 'webapp', 'create');
    expect(opt(create, '--runtime')).toBe('NODE:20-lts');
    expect(opt(create, '--startup-file')).toBe('bash /home/site/wwwroot/startup.sh');
    const [show] = prod.forSite(app, undefined, 'webapp', 'show');
    expect(prod.cmds.indexOf(show)).toBeLessThan(prod.cmds.indexOf(create)); // create only when show fails
  });

  it.each(APPS)('%s: health check path, WebSockets, Always On, TLS 1.2, HTTPS only, client affinity', (app) => {
    const [config] = prod.forSite(app, undefined, 'webapp', 'config', 'set');
    expect(healthCheck(config)).toEqual({ healthCheckPath: HEALTH_PATHS[app] });
    expect(opt(config, '--startup-file')).toBe('bash /home/site/wwwroot/startup.sh');
    expect(opt(config, '--web-sockets-enabled')).toBe(app === 'voice-api' ? 'true' : 'false');
    expect(opt(config, '--always-on')).toBe('true');
    expect(opt(config, '--min-tls-version')).toBe('1.2');
    const [update] = prod.forSite(app, undefined, 'webapp', 'update');
    expect(opt(update, '--https-only')).toBe('true');
    if (app !== 'web') expect(opt(update, '--client-affinity-enabled')).toBe('false');
  });

  it('creates no slot unless asked; with --staging-slot (or STAGING_SLOT=1) configures a staging slot like production', () => {
    expect(prod.cmds.filter((c) => c.includes('--slot'))).toEqual([]);
    for (const run of [dryRun(['staging', '--staging-slot']), dryRun(['prod'], { STAGING_SLOT: '1' })]) {
      for (const app of APPS) {
        expect(run.cmds).toContainEqual(expect.arrayContaining(['deployment', 'slot', 'create', run.site(app), '--slot', 'staging']));
        const [config] = run.forSite(app, 'staging', 'webapp', 'config', 'set');
        expect(healthCheck(config)).toEqual({ healthCheckPath: HEALTH_PATHS[app] });
        expect(opt(config, '--web-sockets-enabled')).toBe(app === 'voice-api' ? 'true' : 'false');
        expect(opt(run.forSite(app, 'staging', 'webapp', 'update')[0], '--https-only')).toBe('true');
        expect(run.forSite(app, 'staging', 'webapp', 'identity', 'assign')).toHaveLength(1);
        expect(run.settings(app, 'staging')).toEqual(run.settings(app));
      }
      expect(run.settings('voice-api')['ALLOWED_HOSTS'].split(',')).toEqual([
        `${run.site('voice-api')}.azurewebsites.net`,
        `${run.site('voice-api')}-staging.azurewebsites.net`,
      ]);
    }
  });

  it('refuses a slot on a Basic plan', () => {
    const r = provision(['--dry-run', 'dev', '--staging-slot']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Standard or Premium[\s\S]*usage:/);
  });

  it('creates PostgreSQL Flexible Server with TLS enforced, the database and a firewall rule for the outbound addresses', () => {
    const create = first(prod.cmds, 'postgres', 'flexible-server', 'create');
    const server = opt(create, '-n');
    expect(opt(create, '--public-access')).toBe('None');
    expect(prod.cmds).toContainEqual(expect.arrayContaining(['parameter', 'set', server, '--name', 'require_secure_transport', '--value', 'ON']));
    expect(prod.cmds.find((c) => startsWith(c, 'az', 'postgres', 'flexible-server', 'db', 'create'))).toEqual(expect.arrayContaining(['-s', server, '-d']));
    const outbound = prod.cmds.findIndex((c) => startsWith(c, 'az', 'webapp', 'show') && opt(c, '--query') === 'outboundIpAddresses');
    const rule = prod.cmds.findIndex((c) => startsWith(c, 'az', 'postgres', 'flexible-server', 'firewall-rule', 'create'));
    expect(outbound).toBeGreaterThan(-1);
    expect(rule).toBeGreaterThan(outbound);
    expect(opt(prod.cmds[rule], '--name')).toBe(server);
    expect(opt(prod.cmds[rule], '--start-ip-address')).toBe('<outbound-ip>');
  });

  it('creates an RBAC Key Vault, grants each app identity Key Vault Secrets User and generates our secrets there', () => {
    const vault = first(prod.cmds, 'keyvault', 'create');
    expect(opt(vault, '--enable-rbac-authorization')).toBe('true');
    const grants = prod.cmds.filter((c) => startsWith(c, 'az', 'role', 'assignment', 'create') && opt(c, '--role') === 'Key Vault Secrets User');
    expect(grants.map((c) => opt(c, '--assignee-object-id'))).toEqual(APPS.map((app) => `<${app}-principal-id>`));
    const stored = prod.cmds.filter((c) => startsWith(c, 'az', 'keyvault', 'secret', 'set')).map((c) => opt(c, '--name'));
    expect(stored).toEqual(expect.arrayContaining(['jwt-private-key', 'voice-api-client-secret', 'database-url']));
    expect(prod.stdout).toContain('openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt');
    expect(prod.stdout).toMatch(/printf 'postgres:\/\/[^']+\?sslmode=verify-full'/);
  });

  it.each(APPS)('%s: schema secrets are Key Vault references to secrets the script stores', (app) => {
    const vault = opt(first(prod.cmds, 'keyvault', 'create'), '-n');
    const stored = prod.cmds.filter((c) => startsWith(c, 'az', 'keyvault', 'secret', 'set')).map((c) => opt(c, '--name'));
    const schema = settingsSchemas[app];
    for (const [name, value] of Object.entries(prod.settings(app))) {
      if (!(name in schema.shape) || !meta(schema.shape[name as keyof typeof schema.shape]).secret) continue;
      const ref = value.match(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/([a-z0-9-]+)\.vault\.azure\.net\/secrets\/([a-z0-9-]+)\/\)$/);
      expect([name, ref?.[1]]).toEqual([name, vault]);
      expect(stored).toContain(ref?.[2]);
    }
  });

  it('creates Application Insights and gives every app its connection string', () => {
    expect(prod.cmds).toContainEqual(expect.arrayContaining(['monitor', 'app-insights', 'component', 'create']));
    for (const app of APPS) expect(prod.settings(app)['APPLICATIONINSIGHTS_CONNECTION_STRING']).toBe('<application-insights-connection-string>');
  });

  it.each(APPS)('%s: sets only variables of its schema (or App Service platform settings), and every production-required one', (app) => {
    const names = Object.keys(prod.settings(app));
    const schema = settingsSchemas[app];
    expect(names.filter((n) => !(n in schema.shape) && !PLATFORM.includes(n))).toEqual([]);
    expect(productionRequired(schema).filter((n) => !names.includes(n))).toEqual([]);
    expect(prod.settings(app)).toMatchObject({ NODE_ENV: 'production', SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' });
    expect(Number(prod.settings(app)['WEBSITES_CONTAINER_START_TIME_LIMIT'])).toBeGreaterThan(230);
  });

  it('wires the apps to each other over HTTPS, and the settings load as a production configuration', () => {
    const host = (app: SettingsApp) => `${prod.site(app)}.azurewebsites.net`;
    const [persistence, voice, web] = APPS.map((app) => prod.settings(app));
    expect(persistence).toMatchObject({ ALLOWED_HOSTS: host('persistence-api'), CORS_ALLOWED_ORIGINS: `https://${host('web')}` });
    expect(voice).toMatchObject({
      ALLOWED_HOSTS: host('voice-api'),
      CORS_ORIGINS: `https://${host('web')}`,
      PERSISTENCE_API_URL: `https://${host('persistence-api')}`,
    });
    // App Service's front end is one proxy: each app trusts exactly one hop of X-Forwarded-For.
    for (const s of [persistence, voice, web]) expect(s['TRUST_PROXY_HOPS']).toBe('1');
    expect(web).toMatchObject({ PERSISTENCE_API_URL: `https://${host('persistence-api')}`, VOICE_API_URL: `https://${host('voice-api')}` });
    // Key Vault resolves the references; stand in for the values it would return.
    const resolved = (s: Record<string, string>) => ({
      ...s,
      ...(s['DATABASE_URL'] && { DATABASE_URL: 'postgres://u:p@x.postgres.database.azure.com:5432/voice?sslmode=verify-full' }),
      ...(s['JWT_PRIVATE_KEY'] && { JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\n…' }),
      ...(s['VOICE_API_CLIENT_SECRET'] && { VOICE_API_CLIENT_SECRET: 'f'.repeat(64) }),
      ...(s['WEB_CLIENT_SECRET'] && { WEB_CLIENT_SECRET: 'e'.repeat(64) }),
    });
    expect(loadPersistenceApiConfig(resolved(persistence)).ALLOWED_HOSTS).toEqual([host('persistence-api')]);
    expect(loadVoiceApiConfig(resolved(voice)).CORS_ORIGINS).toEqual([`https://${host('web')}`]);
    expect(loadWebConfig(resolved(web)).VOICE_API_URL).toBe(`https://${host('voice-api')}`);
  });

  it('prints no secret value: placeholders only', () => {
    for (const r of [prod, dryRun(['staging', '--staging-slot'])]) {
      expect(r.stdout).not.toMatch(/BEGIN (EC |)PRIVATE KEY/);
      expect(r.stdout).not.toMatch(/\b[0-9a-f]{32,}\b/);
      expect(r.stdout).not.toMatch(/postgres:\/\/[^:'\s]+:(?!%s)[^@'\s]+@/);
      expect(opt(first(r.cmds, 'postgres', 'flexible-server', 'create'), '--admin-password')).toBe('<postgres-admin-password>');
    }
  });
});

describe('tools/azure/provision.sh arguments', () => {
  it.each([[[]], [['qa']], [['--bogus', 'dev']], [['dev', 'prod']], [['--prefix', 'Bad_Name', 'dev']], [['--prefix']]])(
    '%j: exits non-zero with the usage',
    (args) => {
      const r = provision(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('usage: tools/azure/provision.sh');
      expect(r.stdout).toBe('');
    },
  );

  it('--help prints the usage and succeeds', () => {
    expect(provision(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('dev | staging | prod') });
  });

  it('without --dry-run and without az, says az is required', () => {
    const r = provision(['dev'], {}, '/usr/bin:/bin');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Azure CLI (az) is required');
  });
});

describe('tools/azure/provision.sh against a stand-in az', () => {
  // A fake az that pretends nothing exists yet: the real path runs, with real openssl.
  const bin = join(work, 'stub-bin');
  const state = join(work, 'stub-state');
  mkdirSync(bin);
  mkdirSync(join(state, 'secrets'), { recursive: true });
  writeFileSync(
    join(bin, 'az'),
    `#!/usr/bin/env bash
echo "$*" >> '${state}/log'
arg() { local want=$1; shift; while (($#)); do [[ $1 == "$want" ]] && { echo "$2"; return; }; shift; done; }
case " $* " in
  *" account show "*) exit 0 ;;
  *" keyvault secret set "*) cp "$(arg --file "$@")" '${state}/secrets/'"$(arg --name "$@")" ;;
  *" keyvault secret show "*"--query value"*) cat '${state}/secrets/'"$(arg --name "$@")" ;;
  *" keyvault secret show "*) [[ -f '${state}/secrets/'"$(arg --name "$@")" ]] ;;
  *"--query principalId"*) echo "principal-$(arg -n "$@")" ;;
  *"--query defaultHostName"*) echo "$(arg -n "$@").azurewebsites.net" ;;
  *"--query outboundIpAddresses"*) echo "20.1.2.3,20.1.2.4" ;;
  *"--query connectionString"*) echo "InstrumentationKey=abc" ;;
  *"--query id -o tsv"*) echo "/subscriptions/s/id" ;;
  *" role assignment list "*) exit 0 ;;
  *" show "*) exit 3 ;;
esac
`,
  );
  chmodSync(join(bin, 'az'), 0o755);
  const r = provision(['prod'], {}, `${bin}:/usr/bin:/bin`);

  it('generates the secrets with openssl, stores them through files, and never prints them', () => {
    expect([r.status, r.stderr.slice(-400)]).toEqual([0, expect.any(String)]);
    const secrets = Object.fromEntries(readdirSync(join(state, 'secrets')).map((f) => [f, readFileSync(join(state, 'secrets', f), 'utf8')]));
    expect(Object.keys(secrets).sort()).toEqual(['database-url', 'jwt-private-key', 'postgres-admin-password', 'voice-api-client-secret', 'web-client-secret']);
    expect(secrets['jwt-private-key']).toMatch(/^-----BEGIN PRIVATE KEY-----\\n[\s\S]+-----END PRIVATE KEY-----\\n$/);
    expect(secrets['voice-api-client-secret']).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets['web-client-secret']).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets['database-url']).toBe(
      `postgres://voiceadmin:${secrets['postgres-admin-password']}@voiceagent-prod-pg.postgres.database.azure.com:5432/voice?sslmode=verify-full`,
    );
    const printed = r.stdout + r.stderr;
    for (const value of Object.values(secrets)) expect(printed).not.toContain(value.slice(0, 40));
    expect(readFileSync(join(state, 'log'), 'utf8')).toContain('firewall-rule create -g voiceagent-prod-rg --name voiceagent-prod-pg --rule-name app-20-1-2-4');
  });
});
