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

  it('takes phone calls only with both Twilio credentials, and needs PUBLIC_URL for them in production', () => {
    const sid = `AC${'0123456789abcdef'.repeat(2)}`;
    expect(loadVoiceApiConfig({}).twilio).toBeUndefined();
    expect(loadVoiceApiConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'token-value' }).twilio).toEqual({
      accountSid: sid,
      authToken: 'token-value',
      apiUrl: 'https://api.twilio.com',
    });
    const { message, problems } = problemsOf({ TWILIO_AUTH_TOKEN: 'top-secret-token' });
    expect(problems.map((p) => p.variable)).toEqual(['TWILIO_ACCOUNT_SID']);
    expect(message).toMatch(/TWILIO_ACCOUNT_SID: is required with TWILIO_AUTH_TOKEN/);
    expect(message).not.toContain('top-secret-token');
    expect(problemsOf({ TWILIO_ACCOUNT_SID: 'ACnot-a-sid', TWILIO_AUTH_TOKEN: 'x' }).problems.map((p) => p.variable)).toEqual(['TWILIO_ACCOUNT_SID']);
    const production = {
      NODE_ENV: 'production',
      PERSISTENCE_API_URL: 'https://persistence.example.com',
      VOICE_API_CLIENT_SECRET: 'a-client-secret-of-24-chars-or-more',
      ALLOWED_HOSTS: 'voice.example.com',
      TWILIO_ACCOUNT_SID: sid,
      TWILIO_AUTH_TOKEN: 'token-value',
    };
    expect(problemsOf(production).problems.map((p) => p.variable)).toEqual(['PUBLIC_URL']);
    expect(loadVoiceApiConfig({ ...production, PUBLIC_URL: 'https://voice.example.com' }).twilio).toBeDefined();
  });

  it('requires the Azure Speech key and a region or endpoint when a speech stage is azure, naming no value', () => {
    const { message, problems } = problemsOf({ STT_PROVIDER: 'azure', TTS_PROVIDER: 'azure' });
    expect(problems.map((p) => p.variable)).toEqual(['AZURE_SPEECH_KEY', 'AZURE_SPEECH_REGION']);
    expect(message).toMatch(/AZURE_SPEECH_KEY: is required with STT_PROVIDER=azure/);
    expect(message).toMatch(/AZURE_SPEECH_REGION: is required with STT_PROVIDER=azure \(or AZURE_SPEECH_ENDPOINT\)/);
    expect(problemsOf({ TTS_PROVIDER: 'azure', AZURE_SPEECH_ENDPOINT: 'https://my-speech.cognitiveservices.azure.com' }).problems).toEqual([
      { variable: 'AZURE_SPEECH_KEY', message: 'is required with TTS_PROVIDER=azure' },
    ]);
    const bad = problemsOf({ STT_PROVIDER: 'azure', AZURE_SPEECH_KEY: 'azure-secret-key-value', AZURE_SPEECH_REGION: 'east us' });
    expect(bad.problems.map((p) => p.variable)).toEqual(['AZURE_SPEECH_REGION']);
    expect(bad.message).not.toContain('azure-secret-key-value');
  });

  it('takes the Azure Speech settings with their defaults', () => {
    const config = loadVoiceApiConfig({ STT_PROVIDER: 'azure', TTS_PROVIDER: 'azure', AZURE_SPEECH_KEY: 'k'.repeat(32), AZURE_SPEECH_REGION: 'eastus' });
    expect(config).toMatchObject({
      STT_PROVIDER: 'azure',
      TTS_PROVIDER: 'azure',
      AZURE_SPEECH_REGION: 'eastus',
      AZURE_SPEECH_LANGUAGE: 'en-US',
      AZURE_SPEECH_VOICE: 'en-US-AvaMultilingualNeural',
    });
    expect(config.AZURE_SPEECH_ENDPOINT).toBeUndefined();
  });
});
