import { ConfigError } from './core';
import { loadPersistenceApiConfig } from './persistence-api';
import { loadVoiceApiConfig } from './voice-api';
import { loadWebConfig } from './web';

const TLS_DATABASE = 'postgres://u:db-password@db.example:5432/voice?sslmode=verify-full';
const persistence = {
  NODE_ENV: 'production',
  DATABASE_URL: TLS_DATABASE,
  JWT_PRIVATE_KEY: 'pem',
  VOICE_API_CLIENT_SECRET: 'x'.repeat(32),
  WEB_CLIENT_SECRET: 'w'.repeat(32),
  ALLOWED_HOSTS: 'api.example.com',
};
const voice = {
  NODE_ENV: 'production',
  PERSISTENCE_API_URL: 'https://p.example',
  VOICE_API_CLIENT_SECRET: 'x'.repeat(32),
  ALLOWED_HOSTS: 'v.example',
};
const web = {
  NODE_ENV: 'production',
  PERSISTENCE_API_URL: 'https://p.example',
  VOICE_API_URL: 'https://v.example',
  WEB_CLIENT_SECRET: 'w'.repeat(32),
};

const loaders = { 'persistence-api': loadPersistenceApiConfig, 'voice-api': loadVoiceApiConfig, web: loadWebConfig };
type App = keyof typeof loaders;
const production: Record<App, Record<string, string>> = { 'persistence-api': persistence, 'voice-api': voice, web };

/** The app's production settings with one URL changed (LiveKit's URL comes with its key and secret, as voice-api needs). */
const withUrl = (app: App, variable: string, value: string, extra: Record<string, string> = {}) => ({
  ...production[app],
  ...(app === 'voice-api' && variable === 'LIVEKIT_URL' ? { LIVEKIT_API_KEY: 'APIkey', LIVEKIT_API_SECRET: 'livekit-secret' } : {}),
  [variable]: value,
  ...extra,
});

function refusal(app: App, env: Record<string, string>): ConfigError {
  try {
    loaders[app](env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`${app} accepted the configuration`);
}

/** Every URL setting without TLS that production refuses, with the rule its message states. */
const INSECURE: [App, string, string, RegExp][] = [
  ['persistence-api', 'DATABASE_URL', 'postgres://u:db-password@db.example:5432/voice', /has no sslmode: add sslmode=verify-full/],
  ['persistence-api', 'DATABASE_URL', 'postgresql://u:db-password@db.example/voice?sslmode=disable', /sslmode=disable, which does not require TLS/],
  ['persistence-api', 'DATABASE_URL', 'postgres://u:db-password@db.example/voice?sslmode=allow', /sslmode=allow, which does not require TLS/],
  ['persistence-api', 'DATABASE_URL', 'postgres://u:db-password@db.example/voice?sslmode=prefer', /sslmode=prefer, which does not require TLS/],
  ['persistence-api', 'DATABASE_URL', 'postgres://u:db-password@db.example/voice?ssl=true', /has no sslmode/],
  ['persistence-api', 'REDIS_URL', 'redis://:redis-password@cache.example:6379', /must be a rediss:\/\/ \(TLS\) URL/],
  ['voice-api', 'PERSISTENCE_API_URL', 'http://p.example', /must be an https:\/\/ URL/],
  ['voice-api', 'PUBLIC_URL', 'http://v.example', /must be an https:\/\/ URL/],
  ['voice-api', 'LIVEKIT_URL', 'ws://livekit.example', /must be a wss:\/\/ \(or https:\/\/\) URL/],
  ['voice-api', 'LIVEKIT_URL', 'http://livekit.example', /must be a wss:\/\/ \(or https:\/\/\) URL/],
  ['voice-api', 'DEEPGRAM_URL', 'ws://deepgram.example', /must be a wss:\/\//],
  ['voice-api', 'OPENAI_BASE_URL', 'http://openai.example/v1', /must be an https:\/\/ URL/],
  ['voice-api', 'LLM_BASE_URL', 'http://ollama.internal:11434/v1', /must be an https:\/\/ URL/],
  ['voice-api', 'CARTESIA_URL', 'http://cartesia.example', /must be an https:\/\/ URL/],
  ['voice-api', 'REDIS_URL', 'redis://:redis-password@cache.example:6379', /must be a rediss:\/\//],
  ['web', 'PERSISTENCE_API_URL', 'http://p.example', /must be an https:\/\/ URL/],
  ['web', 'VOICE_API_URL', 'http://v.example', /must be an https:\/\/ URL/],
  ['web', 'LIVEKIT_URL', 'ws://livekit.example', /must be a wss:\/\//],
  ['web', 'REDIS_URL', 'redis://:redis-password@cache.example:6379', /must be a rediss:\/\//],
];

describe('TLS-only connections in production', () => {
  it.each(INSECURE)('%s refuses %s=%s, naming the variable, the rule and the override', (app, variable, value, rule) => {
    const err = refusal(app, withUrl(app, variable, value));
    expect(err.problems).toEqual([{ variable, message: expect.stringMatching(rule) }]);
    expect(err.message).toContain(`${variable}: `);
    expect(err.message).toContain('ALLOW_INSECURE_CONNECTIONS=true');
    expect(err.message).not.toMatch(/password|secret/);
  });

  it.each(INSECURE)('%s accepts %s=%s with ALLOW_INSECURE_CONNECTIONS=true', (app, variable, value) => {
    const config = loaders[app](withUrl(app, variable, value, { ALLOW_INSECURE_CONNECTIONS: 'true' })) as Record<string, unknown>;
    expect(config.ALLOW_INSECURE_CONNECTIONS).toBe(true);
  });

  it.each(INSECURE)('%s accepts %s=%s outside production', (app, variable, value) => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(() => loaders[app](withUrl(app, variable, value, { NODE_ENV }))).not.toThrow();
    }
  });

  it.each([
    ['persistence-api', 'DATABASE_URL', 'postgres://u:p@db.example:5432/voice?sslmode=require'],
    ['persistence-api', 'DATABASE_URL', 'postgresql://u:p@db.example/voice?sslmode=verify-ca'],
    ['persistence-api', 'REDIS_URL', 'rediss://:key@cache.example:6380'],
    ['voice-api', 'LIVEKIT_URL', 'wss://demo.livekit.cloud'],
    ['voice-api', 'LIVEKIT_URL', 'https://demo.livekit.cloud'],
    ['voice-api', 'PUBLIC_URL', 'https://v.example'],
    ['web', 'LIVEKIT_URL', 'wss://demo.livekit.cloud'],
  ] as [App, string, string][])('%s accepts %s=%s in production', (app, variable, value) => {
    expect(() => loaders[app](withUrl(app, variable, value))).not.toThrow();
  });

  it('defaults ALLOW_INSECURE_CONNECTIONS to false in every app, and reports every insecure URL at once', () => {
    expect(loadPersistenceApiConfig({}).ALLOW_INSECURE_CONNECTIONS).toBe(false);
    expect(loadVoiceApiConfig({}).ALLOW_INSECURE_CONNECTIONS).toBe(false);
    expect(loadWebConfig({}).ALLOW_INSECURE_CONNECTIONS).toBe(false);
    const err = refusal('web', { ...web, PERSISTENCE_API_URL: 'http://p.example', VOICE_API_URL: 'http://v.example', ALLOW_INSECURE_CONNECTIONS: 'false' });
    expect(err.problems.map((p) => p.variable)).toEqual(['PERSISTENCE_API_URL', 'VOICE_API_URL']);
  });

  it('leaves a URL of the wrong kind to the schema, which names what it must be', () => {
    const err = refusal('persistence-api', { ...persistence, DATABASE_URL: 'mysql://u:p@db.example/voice' });
    expect(err.problems).toEqual([{ variable: 'DATABASE_URL', message: 'must be a postgres:// URL' }]);
  });
});
