import { ConfigError } from './core';
import { loadPersistenceApiConfig } from './persistence-api';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadPersistenceApiConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('persistence-api config', () => {
  it('defaults everything development needs', () => {
    const config = loadPersistenceApiConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3001,
      DB_POOL_MAX: 10,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      SESSION_COOKIE_SECURE: false,
      CORS_ALLOWED_ORIGINS: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      // No proxy unless one is configured: a client's own X-Forwarded-For is not believed.
      TRUST_PROXY_HOPS: 0,
      RATE_LIMIT_PER_MINUTE: 100,
      RATE_LIMIT_AUTH_PER_MINUTE: 10,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names every missing production setting in one message', () => {
    const err = problemsOf({ NODE_ENV: 'production' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual(
      ['ALLOWED_HOSTS', 'DATABASE_URL', 'JWT_PRIVATE_KEY', 'VOICE_API_CLIENT_SECRET', 'WEB_CLIENT_SECRET'].sort(),
    );
    expect(err.message).toContain('DATABASE_URL: is required when NODE_ENV=production');
  });

  it('reports invalid values together with missing ones, without echoing values', () => {
    const err = problemsOf({
      NODE_ENV: 'production',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://secret-pass@db',
      DB_POOL_MAX: '0',
      CLINIC_TIMEZONE: 'Mars/Olympus',
    });
    expect(err.problems.map((p) => p.variable)).toEqual(
      expect.arrayContaining(['PORT', 'DATABASE_URL', 'DB_POOL_MAX', 'CLINIC_TIMEZONE', 'JWT_PRIVATE_KEY', 'ALLOWED_HOSTS']),
    );
    expect(err.problems.find((p) => p.variable === 'PORT')?.message).not.toBe('is required');
    expect(err.message).not.toContain('secret-pass');
  });

  it('treats empty strings as unset and parses lists and booleans', () => {
    const config = loadPersistenceApiConfig({
      DATABASE_URL: '',
      CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      SESSION_COOKIE_SECURE: 'true',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.CORS_ALLOWED_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.SESSION_COOKIE_SECURE).toBe(true);
  });

  it('makes the refresh cookie Secure by default in production', () => {
    const config = loadPersistenceApiConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db.example:5432/voice?sslmode=verify-full',
      JWT_PRIVATE_KEY: 'pem',
      VOICE_API_CLIENT_SECRET: 'x'.repeat(32),
      WEB_CLIENT_SECRET: 'w'.repeat(32),
      ALLOWED_HOSTS: 'api.example.com',
    });
    expect(config.SESSION_COOKIE_SECURE).toBe(true);
    expect(config.CORS_ALLOWED_ORIGINS).toEqual([]);
  });
});
