import { loadPersistenceApiConfig } from './persistence-api';
import { loadVoiceApiConfig } from './voice-api';

const persistenceProduction = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db.example:5432/voice?sslmode=verify-full',
  JWT_PRIVATE_KEY: 'pem',
  VOICE_API_CLIENT_SECRET: 'x'.repeat(32),
  WEB_CLIENT_SECRET: 'w'.repeat(32),
  ALLOWED_HOSTS: 'api.example.com',
};
const voiceProduction = {
  NODE_ENV: 'production',
  PERSISTENCE_API_URL: 'https://p.example',
  VOICE_API_CLIENT_SECRET: 'x'.repeat(32),
  ALLOWED_HOSTS: 'v.example',
};

describe('API_DOCS_PUBLIC and METRICS_TOKEN', () => {
  it('keep /docs closed in production and open elsewhere, unless set', () => {
    expect(loadPersistenceApiConfig(persistenceProduction).API_DOCS_PUBLIC).toBe(false);
    expect(loadPersistenceApiConfig({ ...persistenceProduction, API_DOCS_PUBLIC: 'true' }).API_DOCS_PUBLIC).toBe(true);
    expect(loadPersistenceApiConfig({}).API_DOCS_PUBLIC).toBe(true);
    expect(loadVoiceApiConfig(voiceProduction).API_DOCS_PUBLIC).toBe(false);
    expect(loadVoiceApiConfig({ ...voiceProduction, API_DOCS_PUBLIC: 'yes' }).API_DOCS_PUBLIC).toBe(true);
    expect(loadVoiceApiConfig({ API_DOCS_PUBLIC: 'false' }).API_DOCS_PUBLIC).toBe(false);
  });

  it('refuses a guessable metrics token without echoing it', () => {
    expect(() => loadVoiceApiConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN: must be at least 24 characters/);
    expect(() => loadVoiceApiConfig({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
