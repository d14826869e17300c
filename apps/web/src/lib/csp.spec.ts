import { connectOrigins, contentSecurityPolicy } from './csp';

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1);

describe('contentSecurityPolicy', () => {
  it('connects to voice-api by WebSocket only, with the scheme of VOICE_API_URL', () => {
    expect(connectOrigins({ voiceApiUrl: 'https://voice.example.net' })).toEqual(['wss://voice.example.net']);
    expect(connectOrigins({ voiceApiUrl: 'http://127.0.0.1:3002' })).toEqual(['ws://127.0.0.1:3002']);
  });

  it("allows LiveKit's wss and https origins however LIVEKIT_URL is written", () => {
    for (const livekitUrl of ['wss://demo.livekit.cloud', 'https://demo.livekit.cloud/', 'wss://demo.livekit.cloud:443']) {
      expect(connectOrigins({ voiceApiUrl: 'https://voice.example.net', livekitUrl })).toEqual([
        'wss://voice.example.net',
        'wss://demo.livekit.cloud',
        'https://demo.livekit.cloud',
      ]);
    }
    expect(connectOrigins({ voiceApiUrl: 'http://127.0.0.1:3002', livekitUrl: 'ws://127.0.0.1:7880' })).toEqual([
      'ws://127.0.0.1:3002',
      'ws://127.0.0.1:7880',
      'http://127.0.0.1:7880',
    ]);
  });

  it('holds the nonce, frame-ancestors none, and no blob:, data: or eval in production', () => {
    const csp = contentSecurityPolicy({ nonce: 'abc', dev: false, voiceApiUrl: 'https://voice.example.net', livekitUrl: 'wss://demo.livekit.cloud' });
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(directive(csp, 'connect-src')).toEqual(["'self'", 'wss://voice.example.net', 'wss://demo.livekit.cloud', 'https://demo.livekit.cloud']);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(csp, 'object-src')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/blob:|data:|unsafe-eval/);
    expect(contentSecurityPolicy({ nonce: 'abc', dev: true, voiceApiUrl: 'http://127.0.0.1:3002' })).toContain("'unsafe-eval'");
  });
});
