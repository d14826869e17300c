import { loadWebConfig, webSettings } from '@voice/config/web';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
const assignments = () => Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]] as const));

describe('web .env.example', () => {
  it('assigns exactly the variables the config schema reads, each once', () => {
    const names = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect([...names].sort()).toEqual(Object.keys(webSettings.shape).sort());
  });

  it('is a valid development configuration as it stands', () => {
    const config = loadWebConfig(assignments());
    expect(config).toMatchObject({ NODE_ENV: 'development', SESSION_COOKIE_SECURE: false, PORT: 3000 });
  });

  it('names every production requirement at once', () => {
    expect(() => loadWebConfig({ NODE_ENV: 'production' })).toThrow(
      /PERSISTENCE_API_URL: is required when NODE_ENV=production\n.*VOICE_API_URL: is required.*\n.*WEB_CLIENT_SECRET: is required/,
    );
    const production = {
      NODE_ENV: 'production',
      PERSISTENCE_API_URL: 'https://p.example',
      VOICE_API_URL: 'https://v.example',
      WEB_CLIENT_SECRET: 'w'.repeat(32),
    };
    expect(loadWebConfig(production).SESSION_COOKIE_SECURE).toBe(true);
  });
});
