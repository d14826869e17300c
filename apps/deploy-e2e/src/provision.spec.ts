import { productionRequired, type SettingMeta } from '@voice/config/core';
import { loadPersistenceApiConfig } from '@voice/config/persistence-api';
import { settingsSchemas, type SettingsApp } from '@voice/config/settings-table';
import { loadVoiceApiConfig } from '@voice/config/voice-api';
import { loadWebConfig } from '@voice/config/web';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { APPS, HEALTH_PATHS } from './apps';
import { all, first, opt, opts, provision as runScript, readDryRun, startsWith } from './provision-dry-run';

/** App Service's own settings (not read by the apps' schemas), the only other names allowed. */
const PLATFORM = [
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITES_CONTAINER_START_TIME_LIMIT',
  'WEBSITE_SWAP_WARMUP_PING_PATH',
  'WEBSITE_SWAP_WARMUP_PING_STATUSES',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'ApplicationInsightsAgent_EXTENSION_VERSION',
  'WEBSITES_PORT',
  'WEBSITES_ENABLE_APP_SERVICE_STORAGE',
];
const KEY_VAULT_REF = /^@Microsoft\.KeyVault\(SecretUri=https:\/\/([a-z0-9-]+)\.vault\.azure\.net\/secrets\/([a-z0-9-]+)\/\)$/;
const secretOf = (ref: string | undefined) => ref?.match(KEY_VAULT_REF)?.[2];

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

const provision = (args: string[], env: Record<string, string> = {}, path = `${trapBin}:/usr/bin:/bin`) => runScript(args, env, path, work);

function dryRun(args: string[], env: Record<string, string> = {}) {
  const r = provision(['--dry-run', ...args], env);
  if (r.status !== 0) throw new Error(`dry run failed (${r.status}): ${r.stderr}`);
  return { ...r, ...readDryRun(r.stdout) };
}
const healthCheck = (config: string[]) => JSON.parse(opt(config, '--generic-configurations') ?? 'null');
const storedSecrets = (r: { cmds: string[][] }) => all(r.cmds, 'keyvault', 'secret', 'set').map((c) => opt(c, '--name'));

/** Key Vault resolves the references; stand in for the values it would return. */
const STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://u:p@x.postgres.database.azure.com:5432/voice?sslmode=verify-full',
  JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\n…',
  VOICE_API_CLIENT_SECRET: 'f'.repeat(64),
  WEB_CLIENT_SECRET: 'e'.repeat(64),
  AZURE_SPEECH_KEY: 'a'.repeat(32),
  LLM_API_KEY: 'b'.repeat(32),
  REDIS_URL: 'rediss://:k%2Bey%3D@x.redis.cache.windows.net:6380/0',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
};
const resolved = (s: Record<string, string>) =>
  Object.fromEntries(Object.entries(s).map(([name, value]) => [name, KEY_VAULT_REF.test(value) ? STAND_INS[name] : value]));

describe('tools/azure/provision.sh --dry-run', () => {
  const prod = dryRun(['prod']);
  const full = dryRun(['prod', '--staging-slot', '--redis', '--azure-openai', '--alert-email', 'oncall@example.com']);
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
    expect(first(prod.cmds, 'appservice', 'plan', 'create')).toEqual(expect.arrayContaining(['--is-linux', '--sku']));
    expect(first(other.cmds, 'appservice', 'plan', 'create').join(' ')).toContain('--sku B1');
  });

  it.each(APPS)('%s: a Node 20 LTS web app with the startup command', (app) => {
    const [create] = prod.forSite(app, undefined, 'webapp', 'create');
    expect(opt(create, '--runtime')).toBe('NODE:20-lts');
    expect(opt(create, '--startup-file')).toBe('bash /home/site/wwwroot/startup.sh');
    const [show] = prod.forSite(app, undefined, 'webapp', 'show');
    expect(prod.cmds.indexOf(show)).toBeLessThan(prod.cmds.indexOf(create)); // create only when show fails
  });

  it('puts voice-api on a plan of its own, so scaling it scales nothing else', () => {
    const plans = all(prod.cmds, 'appservice', 'plan', 'create').map((c) => opt(c, '-n'));
    expect(plans).toEqual(['voiceagent-prod-plan', 'voiceagent-prod-voice-plan']);
    const planOf = (app: string) => opt(prod.forSite(app, undefined, 'webapp', 'create')[0], '-p');
    expect(APPS.map(planOf)).toEqual(['voiceagent-prod-plan', 'voiceagent-prod-voice-plan', 'voiceagent-prod-plan']);
    expect(opt(first(prod.cmds, 'appservice', 'plan', 'create', '-g', 'voiceagent-prod-rg', '-n', 'voiceagent-prod-voice-plan'), '--number-of-workers')).toBe(
      '1',
    );
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
      }
      expect(run.settings('voice-api')['ALLOWED_HOSTS']).toBe(`${run.site('voice-api')}.azurewebsites.net`);
      expect(run.settings('voice-api', 'staging')['ALLOWED_HOSTS']).toBe(`${run.site('voice-api')}-staging.azurewebsites.net`);
    }
  });

  it('refuses a slot on a Basic plan', () => {
    const r = provision(['--dry-run', 'dev', '--staging-slot']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Standard or Premium[\s\S]*usage:/);
  });

  describe('the staging slot cannot touch production', () => {
    it('has a PostgreSQL server of its own, with its own admin password', () => {
      const servers = all(full.cmds, 'postgres', 'flexible-server', 'create');
      expect(servers.map((c) => [opt(c, '-n'), opt(c, '--sku-name'), opt(c, '--admin-password')])).toEqual([
        ['voiceagent-prod-pg', 'Standard_D2ds_v5', '<postgres-admin-password>'],
        ['voiceagent-prod-pg-staging', 'Standard_B1ms', '<staging-postgres-admin-password>'],
      ]);
      for (const server of ['voiceagent-prod-pg', 'voiceagent-prod-pg-staging']) {
        expect(full.cmds).toContainEqual(expect.arrayContaining(['parameter', 'set', server, 'require_secure_transport', 'ON']));
        expect(full.cmds).toContainEqual(expect.arrayContaining(['firewall-rule', 'create', '--name', server]));
      }
      expect(full.stdout).toMatch(
        /printf 'postgres:\/\/voiceadmin:%s@voiceagent-prod-pg-staging\.postgres\.database\.azure\.com:5432\/voice\?sslmode=verify-full'[^\n]*> <temp-dir>\/staging-database-url/,
      );
    });

    it.each(APPS)('%s: database, secrets, peers and host are slot settings, each slot with its own values', (app) => {
      const [production, staging] = [full.slotSettings(app), full.slotSettings(app, 'staging')];
      expect(Object.keys(staging).sort()).toEqual(Object.keys(production).sort());
      const expected = {
        'persistence-api': [
          'ALLOWED_HOSTS',
          'CORS_ALLOWED_ORIGINS',
          'DATABASE_URL',
          'JWT_PRIVATE_KEY',
          'REDIS_URL',
          'VOICE_API_CLIENT_SECRET',
          'WEB_CLIENT_SECRET',
        ],
        'voice-api': ['ALLOWED_HOSTS', 'CORS_ORIGINS', 'PERSISTENCE_API_URL', 'REDIS_URL', 'VOICE_API_CLIENT_SECRET'],
        web: ['PERSISTENCE_API_URL', 'REDIS_URL', 'VOICE_API_URL', 'WEB_CLIENT_SECRET'],
      }[app];
      expect(Object.keys(production).sort()).toEqual(expected);
      for (const name of expected) {
        expect([name, staging[name]]).not.toEqual([name, production[name]]);
        if (secretOf(production[name])) expect([name, secretOf(staging[name])]).toEqual([name, `staging-${secretOf(production[name])}`]);
        else expect([name, staging[name]]).toEqual([name, production[name].replace(/(voiceagent-prod-[a-z-]+?)(\.azurewebsites\.net)/g, '$1-staging$2')]);
      }
      // Everything else is the same in both slots and moves with the code.
      const shared = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([name]) => !expected.includes(name)));
      expect(shared(full.settings(app, 'staging'))).toEqual(shared(full.settings(app)));
    });

    it('stores the slot-specific secrets under staging names, generated apart from production', () => {
      expect(storedSecrets(full)).toEqual(
        expect.arrayContaining([
          'staging-jwt-private-key',
          'staging-voice-api-client-secret',
          'staging-web-client-secret',
          'staging-postgres-admin-password',
          'staging-database-url',
          'staging-redis-url',
        ]),
      );
      expect(full.stdout).toMatch(/openssl ecparam [^\n]*> <temp-dir>\/staging-jwt-private-key/);
    });
  });

  it('creates PostgreSQL Flexible Server with TLS enforced, the database and a firewall rule for the outbound addresses', () => {
    const create = first(prod.cmds, 'postgres', 'flexible-server', 'create');
    const server = opt(create, '-n');
    expect(opt(create, '--public-access')).toBe('None');
    expect(prod.cmds).toContainEqual(expect.arrayContaining(['parameter', 'set', server, '--name', 'require_secure_transport', '--value', 'ON']));
    expect(first(prod.cmds, 'postgres', 'flexible-server', 'db', 'create')).toEqual(expect.arrayContaining(['-s', server, '-d']));
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
    const grants = all(prod.cmds, 'role', 'assignment', 'create').filter((c) => opt(c, '--role') === 'Key Vault Secrets User');
    expect(grants.map((c) => opt(c, '--assignee-object-id'))).toEqual(APPS.map((app) => `<${app}-principal-id>`));
    expect(storedSecrets(prod)).toEqual(expect.arrayContaining(['jwt-private-key', 'voice-api-client-secret', 'database-url', 'azure-speech-key']));
    expect(prod.stdout).toContain('openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt');
    expect(prod.stdout).toMatch(/printf 'postgres:\/\/[^']+\?sslmode=verify-full'/);
  });

  it.each(APPS)('%s: schema secrets are Key Vault references to secrets the script stores', (app) => {
    for (const run of [prod, full]) {
      const vault = opt(first(run.cmds, 'keyvault', 'create'), '-n');
      const schema = settingsSchemas[app];
      for (const slot of [undefined, ...(run === full ? ['staging'] : [])]) {
        for (const [name, value] of Object.entries(run.settings(app, slot))) {
          if (!(name in schema.shape) || !meta(schema.shape[name as keyof typeof schema.shape]).secret) continue;
          const ref = value.match(KEY_VAULT_REF);
          expect([name, ref?.[1]]).toEqual([name, vault]);
          expect(storedSecrets(run)).toContain(ref?.[2]);
        }
      }
    }
  });

  it('creates Application Insights and gives every app its connection string from Key Vault', () => {
    expect(prod.cmds).toContainEqual(expect.arrayContaining(['monitor', 'app-insights', 'component', 'create']));
    for (const app of APPS) expect(secretOf(prod.settings(app)['APPLICATIONINSIGHTS_CONNECTION_STRING'])).toBe('application-insights-connection-string');
    expect(storedSecrets(prod)).toContain('application-insights-connection-string');
  });

  it.each(APPS)('%s: sets only variables of its schema (or App Service platform settings), and every production-required one', (app) => {
    for (const run of [prod, full]) {
      const names = Object.keys(run.settings(app));
      const schema = settingsSchemas[app];
      expect(names.filter((n) => !(n in schema.shape) && !PLATFORM.includes(n))).toEqual([]);
      expect(productionRequired(schema).filter((n) => !names.includes(n))).toEqual([]);
      expect(run.settings(app)).toMatchObject({ NODE_ENV: 'production', SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' });
      // The apps start OpenTelemetry themselves; App Service's codeless agent on top would trace twice.
      expect(run.settings(app)['ApplicationInsightsAgent_EXTENSION_VERSION']).toBe('disabled');
      expect(Number(run.settings(app)['WEBSITES_CONTAINER_START_TIME_LIMIT'])).toBeGreaterThan(230);
    }
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
    expect(loadPersistenceApiConfig(resolved(persistence)).ALLOWED_HOSTS).toEqual([host('persistence-api')]);
    expect(loadVoiceApiConfig(resolved(voice)).CORS_ORIGINS).toEqual([`https://${host('web')}`]);
    expect(loadWebConfig(resolved(web)).VOICE_API_URL).toBe(`https://${host('voice-api')}`);
  });

  it.each(APPS)('%s: every slot of every option set loads as a production configuration', (app) => {
    const load = { 'persistence-api': loadPersistenceApiConfig, 'voice-api': loadVoiceApiConfig, web: loadWebConfig }[app];
    for (const slot of [undefined, 'staging']) expect(() => load(resolved(full.settings(app, slot)))).not.toThrow();
  });

  it('TLS everywhere: https:// service URLs, verify-full for PostgreSQL, rediss:// on 6380, never ALLOW_INSECURE_CONNECTIONS', () => {
    for (const app of APPS) {
      for (const slot of [undefined, 'staging']) {
        for (const [name, value] of Object.entries(full.settings(app, slot))) {
          if (/_URL$/.test(name) && !KEY_VAULT_REF.test(value)) expect([name, value]).toEqual([name, expect.stringMatching(/^https:\/\//)]);
          if (/ORIGINS$/.test(name)) expect([name, value]).toEqual([name, expect.stringMatching(/^https:\/\//)]);
        }
      }
    }
    expect(full.stdout).not.toContain('ALLOW_INSECURE_CONNECTIONS');
    expect(full.stdout.match(/postgres:\/\/\S+/g)?.every((url) => url.includes('?sslmode=verify-full'))).toBe(true);
    expect(
      full.stdout.match(/rediss?:\/\/\S+/g)?.every((url) => /^rediss:\/\/:%s@voiceagent-prod-redis\.redis\.cache\.windows\.net:6380\/[01]'/.test(url)),
    ).toBe(true);
    expect(full.stdout).not.toContain('--enable-non-ssl-port');
  });

  describe('speech and the LLM on Azure', () => {
    it('creates an Azure AI Speech resource (S0) once, and gives voice-api its key and region: healthy on the first deploy', () => {
      const create = first(prod.cmds, 'cognitiveservices', 'account', 'create');
      expect([opt(create, '-n'), opt(create, '--kind'), opt(create, '--sku'), opt(create, '--location')]).toEqual([
        'voiceagent-prod-speech',
        'SpeechServices',
        'S0',
        'eastus',
      ]);
      const show = prod.cmds.findIndex((c) => startsWith(c, 'az', 'cognitiveservices', 'account', 'show') && opt(c, '-n') === 'voiceagent-prod-speech');
      expect(show).toBeGreaterThan(-1);
      expect(show).toBeLessThan(prod.cmds.indexOf(create));
      expect(prod.stdout).toMatch(
        /az cognitiveservices account keys list -g voiceagent-prod-rg -n voiceagent-prod-speech --query key1 -o tsv > <temp-dir>\/azure-speech-key/,
      );
      const voice = prod.settings('voice-api');
      expect(voice).toMatchObject({ STT_PROVIDER: 'azure', TTS_PROVIDER: 'azure', AZURE_SPEECH_REGION: 'eastus', LLM_PROVIDER: 'offline' });
      expect(secretOf(voice['AZURE_SPEECH_KEY'])).toBe('azure-speech-key');
      expect(Object.keys(voice).filter((name) => name.startsWith('LLM_') && name !== 'LLM_PROVIDER')).toEqual([]);
      expect(dryRun(['dev'], { LOCATION: 'westeurope' }).settings('voice-api')['AZURE_SPEECH_REGION']).toBe('westeurope');
    });

    it('--azure-openai: an Azure OpenAI resource with a model deployment becomes the LLM', () => {
      const account = all(full.cmds, 'cognitiveservices', 'account', 'create').find((c) => opt(c, '--kind') === 'OpenAI') as string[];
      const name = opt(account, '-n');
      expect(opt(account, '--custom-domain')).toBe(name);
      const deployment = first(full.cmds, 'cognitiveservices', 'account', 'deployment', 'create');
      expect(opt(deployment, '-n')).toBe(name);
      expect([opt(deployment, '--model-name'), opt(deployment, '--model-format'), opt(deployment, '--sku-name')]).toEqual([
        'gpt-4o-mini',
        'OpenAI',
        'GlobalStandard',
      ]);
      const voice = full.settings('voice-api');
      expect(voice).toMatchObject({
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: `https://${name}.openai.azure.com/openai/deployments/${opt(deployment, '--deployment-name')}`,
        LLM_MODEL: 'gpt-4o-mini',
      });
      expect(voice['LLM_AZURE_API_VERSION']).toMatch(/^\d{4}-\d{2}-\d{2}$/); // GA, not -preview
      expect(secretOf(voice['LLM_API_KEY'])).toBe('azure-openai-key');
      expect(storedSecrets(full)).toContain('azure-openai-key');
      expect(prod.cmds.filter((c) => c.includes('OpenAI'))).toEqual([]);
    });
  });

  describe('--voice-container: voice-api as a container image with the offline engines', () => {
    const container = dryRun(['prod', '--voice-container', '--staging-slot']);
    const registry = 'voiceagentprodacr';
    const image = `${registry}.azurecr.io/voice-api:latest`;

    it('creates a Basic Azure Container Registry named from the prefix and environment, only when it is missing', () => {
      const create = first(container.cmds, 'acr', 'create');
      expect([opt(create, '-g'), opt(create, '-n'), opt(create, '--sku'), opt(create, '--location')]).toEqual([
        'voiceagent-prod-rg',
        registry,
        'Basic',
        'eastus',
      ]);
      expect(create).not.toContain('--admin-enabled');
      const show = container.cmds.findIndex((c) => startsWith(c, 'az', 'acr', 'show') && opt(c, '-n') === registry);
      expect(show).toBeGreaterThan(-1);
      expect(show).toBeLessThan(container.cmds.indexOf(create));
      expect(opt(first(dryRun(['--prefix', 'acme', 'dev', '--voice-container']).cmds, 'acr', 'create'), '-n')).toBe('acmedevacr');
      expect(first(container.cmds, 'provider', 'register', '--namespace', 'Microsoft.ContainerRegistry')).toBeDefined();
      expect(prod.cmds.filter((c) => startsWith(c, 'az', 'acr'))).toEqual([]);
    });

    it('voice-api (and its slot): a container web app on its own plan pulling from the registry with its identity, no startup command', () => {
      const [create] = container.forSite('voice-api', undefined, 'webapp', 'create');
      expect([opt(create, '-p'), opt(create, '--container-image-name'), opt(create, '--runtime'), opt(create, '--startup-file')]).toEqual([
        'voiceagent-prod-voice-plan',
        image,
        undefined,
        undefined,
      ]);
      for (const slot of [undefined, 'staging']) {
        const [config] = container.forSite('voice-api', slot, 'webapp', 'config', 'set');
        expect(healthCheck(config)).toEqual({ healthCheckPath: HEALTH_PATHS['voice-api'], acrUseManagedIdentityCreds: true });
        expect([opt(config, '--startup-file'), opt(config, '--linux-fx-version'), opt(config, '--web-sockets-enabled')]).toEqual(['', undefined, 'true']);
        const [set] = container.forSite('voice-api', slot, 'webapp', 'config', 'container', 'set');
        expect([opt(set, '--container-image-name'), opt(set, '--container-registry-url')]).toEqual([image, `https://${registry}.azurecr.io`]);
        expect(container.forSite('voice-api', slot, 'webapp', 'identity', 'assign')).toHaveLength(1);
      }
      const pulls = all(container.cmds, 'role', 'assignment', 'create').filter((c) => opt(c, '--role') === 'AcrPull');
      expect(pulls.map((c) => [opt(c, '--assignee-object-id'), opt(c, '--scope')])).toEqual([
        ['<voice-api-principal-id>', '<container-registry-id>'],
        ['<voice-api-staging-principal-id>', '<container-registry-id>'],
      ]);
      // persistence-api and web stay on the zip route.
      for (const app of ['persistence-api', 'web']) {
        expect(opt(container.forSite(app, undefined, 'webapp', 'create')[0], '--runtime')).toBe('NODE:20-lts');
        expect(container.forSite(app, undefined, 'webapp', 'config', 'container', 'set')).toEqual([]);
      }
    });

    it('no Azure AI Speech and no speech providers: the offline engines (the defaults) speak, and the settings load as production', () => {
      expect(all(container.cmds, 'cognitiveservices')).toEqual([]);
      expect(container.stdout).not.toMatch(/azure-speech-key|Microsoft\.CognitiveServices/);
      for (const slot of [undefined, 'staging']) {
        const voice = container.settings('voice-api', slot);
        expect(voice).toMatchObject({
          WEBSITES_PORT: '8080',
          WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'true',
          DATA_DIR: '/home/data/voice-api',
          LLM_PROVIDER: 'offline',
        });
        expect(Object.keys(voice).filter((name) => /^(STT_|TTS_|AZURE_SPEECH_)/.test(name))).toEqual([]);
        const config = loadVoiceApiConfig(resolved(voice));
        expect([config.NODE_ENV, config.STT_PROVIDER, config.TTS_PROVIDER]).toEqual(['production', 'offline', 'offline']);
      }
      expect(Object.keys(container.settings('web'))).not.toContain('WEBSITES_PORT');
      // --azure-openai still chooses the LLM (and so registers Cognitive Services), speech stays offline.
      const withLlm = dryRun(['prod', '--voice-container', '--azure-openai']);
      expect(all(withLlm.cmds, 'cognitiveservices', 'account', 'create').map((c) => opt(c, '--kind'))).toEqual(['OpenAI']);
      expect(withLlm.settings('voice-api')).toMatchObject({ LLM_PROVIDER: 'openai' });
      expect(withLlm.settings('voice-api')['STT_PROVIDER']).toBeUndefined();
    });

    it('tells what GitHub needs, and gives AcrPush to the deploying identity when it is known', () => {
      expect(container.stdout).toContain('VOICE_API_DEPLOY_AS=container');
      expect(container.stdout).toContain(`AZURE_CONTAINER_REGISTRY=${registry}`);
      expect(container.stdout).toMatch(/# +az role assignment create --assignee <its appId> --role AcrPush --scope <container-registry-id>/);
      expect(all(container.cmds, 'role', 'assignment', 'create').filter((c) => opt(c, '--role') === 'AcrPush')).toEqual([]);
      const known = dryRun(['prod', '--voice-container'], { DEPLOYER_OBJECT_ID: '00000000-0000-0000-0000-00000000beef' });
      const push = all(known.cmds, 'role', 'assignment', 'create').filter((c) => opt(c, '--role') === 'AcrPush');
      expect(push.map((c) => [opt(c, '--assignee-object-id'), opt(c, '--assignee-principal-type'), opt(c, '--scope')])).toEqual([
        ['00000000-0000-0000-0000-00000000beef', 'ServicePrincipal', '<container-registry-id>'],
      ]);
      expect(prod.stdout).not.toContain('VOICE_API_DEPLOY_AS');
    });
  });

  describe('Redis and scaling voice-api out', () => {
    it.each([
      ['dev', 'Basic', 'c0'],
      ['staging', 'Basic', 'c0'],
      ['prod', 'Standard', 'c1'],
    ])('--redis on %s: Azure Cache for Redis %s %s, TLS 1.2, REDIS_URL from Key Vault wherever an app reads it', (env, sku, size) => {
      const run = dryRun([env, '--redis']);
      const create = first(run.cmds, 'redis', 'create');
      expect([opt(create, '-n'), opt(create, '--sku'), opt(create, '--vm-size'), opt(create, '--minimum-tls-version')]).toEqual([
        `voiceagent-${env}-redis`,
        sku,
        size,
        '1.2',
      ]);
      for (const app of APPS) {
        const readsIt = 'REDIS_URL' in settingsSchemas[app].shape;
        expect([app, secretOf(run.settings(app)['REDIS_URL'])]).toEqual([app, readsIt ? 'redis-url' : undefined]);
      }
      expect(prod.cmds.filter((c) => startsWith(c, 'az', 'redis'))).toEqual([]);
      expect(Object.keys(prod.settings('voice-api'))).not.toContain('REDIS_URL');
    });

    it('refuses voice-api on more than one instance without Redis, and scales it alone with it', () => {
      for (const args of [
        ['prod', '--voice-instances', '2'],
        ['prod', '--voice-autoscale', '4'],
      ]) {
        const r = provision(['--dry-run', ...args]);
        expect([r.status, r.stderr]).toEqual([2, expect.stringContaining('needs --redis')]);
      }
      const run = dryRun(['prod', '--redis', '--voice-instances', '3']);
      const workers = Object.fromEntries(all(run.cmds, 'appservice', 'plan', 'create').map((c) => [opt(c, '-n'), opt(c, '--number-of-workers')]));
      expect(workers).toEqual({ 'voiceagent-prod-plan': undefined, 'voiceagent-prod-voice-plan': '3' });
    });

    it('--voice-autoscale: an autoscale setting on voice-api’s plan (Standard or above only)', () => {
      const run = dryRun(['prod', '--redis', '--voice-autoscale', '4']);
      const create = first(run.cmds, 'monitor', 'autoscale', 'create');
      expect([opt(create, '--resource'), opt(create, '--min-count'), opt(create, '--max-count')]).toEqual(['<voice-plan-id>', '1', '4']);
      expect(first(run.cmds, 'appservice', 'plan', 'show', '-g', 'voiceagent-prod-rg', '-n', 'voiceagent-prod-voice-plan', '--query', 'id')).toBeDefined();
      const rules = all(run.cmds, 'monitor', 'autoscale', 'rule', 'create').map((c) => [
        opt(c, '--condition'),
        c.slice(c.indexOf('--scale') + 1, c.indexOf('--scale') + 3).join(' '),
      ]);
      expect(rules).toEqual([
        [expect.stringMatching(/^CpuPercentage > \d+ avg \d+m$/), 'out 1'],
        [expect.stringMatching(/^CpuPercentage < \d+ avg \d+m$/), 'in 1'],
      ]);
      expect(prod.cmds.filter((c) => startsWith(c, 'az', 'monitor', 'autoscale'))).toEqual([]);
      expect(provision(['--dry-run', 'dev', '--redis', '--voice-autoscale', '3'])).toMatchObject({
        status: 2,
        stderr: expect.stringContaining('Standard or Premium'),
      });
    });
  });

  describe('alerts', () => {
    const actionGroup = (run: typeof prod) => first(run.cmds, 'monitor', 'action-group', 'create');
    const rules = (run: typeof prod) => all(run.cmds, 'monitor', 'metrics', 'alert', 'create');

    it('an action group that emails --alert-email, or nobody until one is added', () => {
      expect(opt(actionGroup(prod), '-n')).toBe('voiceagent-prod-alerts');
      expect(actionGroup(prod)).not.toContain('--action');
      expect(actionGroup(full).slice(actionGroup(full).indexOf('--action'), -2)).toEqual(['--action', 'email', 'oncall', 'oncall@example.com']);
      expect(opt(actionGroup(dryRun(['dev'], { ALERT_EMAIL: 'ops@example.com' })), '--action')).toBe('email');
      expect(provision(['--dry-run', 'dev', '--alert-email', 'not an address'])).toMatchObject({ status: 2 });
    });

    it.each(APPS)('%s: 5xx and health-check rules on the production app', (app) => {
      const onApp = rules(prod).filter((c) => opt(c, '--scopes') === `<${app}-id>`);
      expect(onApp.map((c) => opt(c, '--condition'))).toEqual(['total Http5xx > 10', 'avg HealthCheckStatus < 100']);
    });

    it.each([
      ['dev', {}, 40],
      ['prod', {}, 687],
      ['prod', { POSTGRES_TIER: 'Burstable', POSTGRES_SKU: 'Standard_B2s' }, 343],
    ])('%s %j: PostgreSQL connections over 80 %% of the SKU’s limit', (env, vars, threshold) => {
      const run = dryRun([env], vars as Record<string, string>);
      const rule = rules(run).find((c) => opt(c, '--scopes') === '<postgres-server-id>') as string[];
      expect(opt(rule, '--condition')).toBe(`max active_connections > ${threshold}`);
    });

    it('refuses a PostgreSQL SKU whose connection limit it does not know, unless told', () => {
      const vars = { POSTGRES_TIER: 'MemoryOptimized', POSTGRES_SKU: 'Standard_E4ds_v5' };
      expect(provision(['--dry-run', 'prod'], vars)).toMatchObject({ status: 2, stderr: expect.stringContaining('POSTGRES_MAX_CONNECTIONS') });
      const rule = rules(dryRun(['prod'], { ...vars, POSTGRES_MAX_CONNECTIONS: '1719' })).find(
        (c) => opt(c, '--scopes') === '<postgres-server-id>',
      ) as string[];
      expect(opt(rule, '--condition')).toBe('max active_connections > 1375');
    });

    it('voice turn latency p95 over budget, from the voice_turn_latency_ms metric in Application Insights', () => {
      const rule = first(prod.cmds, 'monitor', 'scheduled-query', 'create');
      expect(opt(rule, '--scopes')).toBe('<application-insights-id>');
      expect(opt(rule, '--condition')).toBe('count "SlowTurns" > 0');
      const query = opt(rule, '--condition-query') as string;
      expect(query).toMatch(/^SlowTurns=customMetrics \| where name == "voice_turn_latency_ms"/);
      expect(query).toMatch(/p95 > 1500$/);
      expect(opt(first(dryRun(['prod'], { VOICE_LATENCY_BUDGET_MS: '900' }).cmds, 'monitor', 'scheduled-query', 'create'), '--condition-query')).toMatch(
        /p95 > 900$/,
      );
      expect(opt(rule, '--action-groups')).toBe('<action-group-id>');
    });

    it('a standard availability test on web’s health path, with an alert', () => {
      const test = first(prod.cmds, 'monitor', 'app-insights', 'web-test', 'create');
      expect([opt(test, '--web-test-kind'), opt(test, '--request-url'), opt(test, '--expected-status-code')]).toEqual([
        'standard',
        `https://${prod.site('web')}.azurewebsites.net${HEALTH_PATHS.web}`,
        '200',
      ]);
      expect(opts(test, '--locations').length).toBeGreaterThanOrEqual(3);
      expect(opt(test, '--tags')).toBe('hidden-link:<application-insights-id>=Resource');
      const alert = rules(prod).find((c) => opt(c, '--scopes') === '<application-insights-id>') as string[];
      expect(opt(alert, '--condition')).toMatch(/^avg availabilityResults\/availabilityPercentage < \d+$/);
    });

    it('every rule notifies the action group', () => {
      expect(rules(prod).map((c) => opt(c, '--action'))).toEqual(Array(rules(prod).length).fill('<action-group-id>'));
      expect(rules(prod)).toHaveLength(APPS.length * 2 + 2);
    });
  });

  it('prints no secret value: placeholders only', () => {
    for (const r of [prod, full]) {
      expect(r.stdout).not.toMatch(/BEGIN (EC |)PRIVATE KEY/);
      expect(r.stdout).not.toMatch(/\b[0-9a-f]{32,}\b/);
      expect(r.stdout).not.toMatch(/postgres:\/\/[^:'\s]+:(?!%s)[^@'\s]+@/);
      expect(opt(first(r.cmds, 'postgres', 'flexible-server', 'create'), '--admin-password')).toBe('<postgres-admin-password>');
    }
  });
});

describe('tools/azure/provision.sh arguments', () => {
  it.each([
    [[]],
    [['qa']],
    [['--bogus', 'dev']],
    [['dev', 'prod']],
    [['--prefix', 'Bad_Name', 'dev']],
    [['--prefix']],
    [['--voice-instances', 'many', 'dev']],
    [['--alert-email']],
  ])('%j: exits non-zero with the usage', (args) => {
    const r = provision(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: tools/azure/provision.sh');
    expect(r.stdout).toBe('');
  });

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
  const REDIS_KEY = 'k+ey/with=base64+chars=';
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
  *" keys list "*"-n voiceagent-prod-speech "*) echo "speech-key-0123" ;;
  *" keys list "*"-n voiceagent-prod-openai "*) echo "openai-key-4567" ;;
  *" redis list-keys "*) echo '${REDIS_KEY}' ;;
  *"--query principalId"*) echo "principal-$(arg -n "$@")" ;;
  *"--query defaultHostName"*) echo "$(arg -n "$@")$([[ " $* " == *" --slot staging "* ]] && echo -staging).azurewebsites.net" ;;
  *"--query outboundIpAddresses"*) echo "20.1.2.3,20.1.2.4" ;;
  *"--query connectionString"*) echo "InstrumentationKey=abc" ;;
  *"--query linuxFxVersion"*) cat '${state}/linux-fx' 2>/dev/null || echo 'NODE|20-lts' ;;
  *"--query id -o tsv"*) echo "/subscriptions/s/id" ;;
  *" role assignment list "*) exit 0 ;;
  *" show "*) exit 3 ;;
esac
`,
  );
  chmodSync(join(bin, 'az'), 0o755);
  const r = provision(['prod', '--staging-slot', '--redis', '--azure-openai'], {}, `${bin}:/usr/bin:/bin`);
  const secrets = () => Object.fromEntries(readdirSync(join(state, 'secrets')).map((f) => [f, readFileSync(join(state, 'secrets', f), 'utf8')]));

  it('generates the secrets with openssl, stores them through files, and never prints them', () => {
    expect([r.status, r.stderr.slice(-400)]).toEqual([0, expect.any(String)]);
    const stored = secrets();
    const ours = ['database-url', 'jwt-private-key', 'postgres-admin-password', 'voice-api-client-secret', 'web-client-secret'];
    expect(Object.keys(stored).sort()).toEqual(
      [
        ...ours,
        ...ours.map((name) => `staging-${name}`),
        'application-insights-connection-string',
        'azure-openai-key',
        'azure-speech-key',
        'redis-url',
        'staging-redis-url',
      ].sort(),
    );
    for (const slot of ['', 'staging-']) {
      expect(stored[`${slot}jwt-private-key`]).toMatch(/^-----BEGIN PRIVATE KEY-----\\n[\s\S]+-----END PRIVATE KEY-----\\n$/);
      expect(stored[`${slot}voice-api-client-secret`]).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[`${slot}web-client-secret`]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(stored['database-url']).toBe(
      `postgres://voiceadmin:${stored['postgres-admin-password']}@voiceagent-prod-pg.postgres.database.azure.com:5432/voice?sslmode=verify-full`,
    );
    expect(stored['staging-database-url']).toBe(
      `postgres://voiceadmin:${stored['staging-postgres-admin-password']}@voiceagent-prod-pg-staging.postgres.database.azure.com:5432/voice?sslmode=verify-full`,
    );
    expect(stored['staging-jwt-private-key']).not.toBe(stored['jwt-private-key']);
    expect(stored['staging-voice-api-client-secret']).not.toBe(stored['voice-api-client-secret']);
    expect([stored['azure-speech-key'], stored['azure-openai-key']]).toEqual(['speech-key-0123', 'openai-key-4567']);
    const printed = r.stdout + r.stderr;
    for (const value of Object.values(stored)) expect(printed).not.toContain(value.slice(0, 40));
    expect(printed).not.toContain(REDIS_KEY);
    expect(readFileSync(join(state, 'log'), 'utf8')).toContain('firewall-rule create -g voiceagent-prod-rg --name voiceagent-prod-pg --rule-name app-20-1-2-4');
  });

  it('writes REDIS_URL with the key percent-encoded, database 0 for production and 1 for the staging slot', () => {
    const stored = secrets();
    for (const [name, db] of [
      ['redis-url', '/0'],
      ['staging-redis-url', '/1'],
    ]) {
      const url = new URL(stored[name]);
      expect([url.protocol, url.host, url.pathname, decodeURIComponent(url.password)]).toEqual([
        'rediss:',
        'voiceagent-prod-redis.redis.cache.windows.net:6380',
        db,
        REDIS_KEY,
      ]);
    }
  });

  it('stores a service key again only when it changed', () => {
    const log = join(state, 'log');
    writeFileSync(log, '');
    expect(provision(['prod', '--staging-slot', '--redis', '--azure-openai'], {}, `${bin}:/usr/bin:/bin`).status).toBe(0);
    expect(readFileSync(log, 'utf8').match(/keyvault secret set .*/g) ?? []).toEqual([]);
  });

  it('--voice-container: moves a zip-route voice-api onto the registry, then leaves the image a deploy set alone', () => {
    const log = join(state, 'log');
    const containerSet = () => readFileSync(log, 'utf8').match(/webapp config container set .*/g) ?? [];
    writeFileSync(log, '');
    expect(provision(['prod', '--voice-container'], {}, `${bin}:/usr/bin:/bin`).status).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain('acr create -g voiceagent-prod-rg -n voiceagentprodacr --location eastus --sku Basic');
    expect(containerSet()).toEqual([
      'webapp config container set -g voiceagent-prod-rg -n voiceagent-prod-voice-api --container-image-name voiceagentprodacr.azurecr.io/voice-api:latest --container-registry-url https://voiceagentprodacr.azurecr.io -o none',
    ]);
    writeFileSync(join(state, 'linux-fx'), 'DOCKER|voiceagentprodacr.azurecr.io/voice-api:0123abc');
    writeFileSync(log, '');
    expect(provision(['prod', '--voice-container'], {}, `${bin}:/usr/bin:/bin`).status).toBe(0);
    expect(containerSet()).toEqual([]);
    expect(readFileSync(log, 'utf8')).not.toMatch(/cognitiveservices|keyvault secret set/);
  });
});
