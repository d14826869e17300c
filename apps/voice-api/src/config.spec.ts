import { ConfigError } from '@voice/config/core';
import { loadVoiceApiConfig } from '@voice/config/voice-api';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadVoiceApiConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return { message: err.message, problems: err.problems };
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('voice-api configuration', () => {
  it('runs on the WebSocket transport with no LiveKit settings at all', () => {
    expect(loadVoiceApiConfig({}).livekit).toBeUndefined();
  });

  it('selects LiveKit when all three LiveKit variables are set', () => {
    const config = loadVoiceApiConfig({ LIVEKIT_URL: 'wss://demo.livekit.cloud', LIVEKIT_API_KEY: 'APIkey', LIVEKIT_API_SECRET: 'secret' });
    expect(config.livekit).toEqual({ url: 'wss://demo.livekit.cloud', apiKey: 'APIkey', apiSecret: 'secret' });
  });

  it('refuses to start on a partial LiveKit configuration, naming each missing variable and no value', () => {
    const { message, problems } = problemsOf({ LIVEKIT_URL: 'wss://demo.livekit.cloud', LIVEKIT_API_SECRET: 'top-secret-value' });
    expect(problems.map((p) => p.variable)).toEqual(['LIVEKIT_API_KEY']);
    expect(message).toMatch(/LIVEKIT_API_KEY: is required with LIVEKIT_URL and LIVEKIT_API_SECRET/);
    expect(message).not.toContain('top-secret-value');

    expect(
      problemsOf({ LIVEKIT_API_KEY: 'APIkey' })
        .problems.map((p) => p.variable)
        .sort(),
    ).toEqual(['LIVEKIT_API_SECRET', 'LIVEKIT_URL']);
  });
});
