import { loadVoiceApiConfig, voiceApiSettings } from '@voice/config/voice-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
/** The active assignments (commented examples excluded), as a shell would export them. */
const assignments = () => Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]] as const));

describe('.env.example', () => {
  it('documents exactly the variables the config schema reads', () => {
    const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(Object.keys(voiceApiSettings.shape).sort());
  });

  it('assigns every variable once', () => {
    const names = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(Object.keys(assignments()).sort()).toEqual(Object.keys(voiceApiSettings.shape).sort());
  });

  it('is a valid development configuration as it stands, with no secret filled in', () => {
    const config = loadVoiceApiConfig(assignments());
    expect(config.NODE_ENV).toBe('development');
    expect(config.livekit).toBeUndefined();
    const secrets = [
      'VOICE_API_CLIENT_SECRET',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'TWILIO_AUTH_TOKEN',
      'DEEPGRAM_API_KEY',
      'OPENAI_API_KEY',
      'LLM_API_KEY',
      'CARTESIA_API_KEY',
      'METRICS_TOKEN',
    ];
    for (const name of secrets) expect([name, assignments()[name]]).toEqual([name, '']);
  });

  it('states the schema default wherever it gives a value', () => {
    const defaults = voiceApiSettings.parse({});
    const stated = Object.entries(assignments()).filter(([, value]) => value !== '');
    for (const [name, value] of stated) {
      const fallback = defaults[name as keyof typeof defaults];
      expect([name, value]).toEqual([name, Array.isArray(fallback) ? fallback.join(',') : String(fallback)]);
    }
  });
});
