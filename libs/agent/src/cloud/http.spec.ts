import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cloudFetch, joinUrl } from './http';

describe('cloudFetch', () => {
  it('names the provider and the unreachable origin, never the headers', async () => {
    // A port that was just free and is now closed: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const error = await cloudFetch({
      provider: 'Test Provider',
      url: `http://127.0.0.1:${port}/v1/thing`,
      headers: { Authorization: 'Bearer secret-key-123' },
      body: '{}',
      timeoutMs: 2000,
      secrets: ['secret-key-123'],
    }).catch((err: Error) => err);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`Test Provider: cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('refuses to start when the caller has already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      cloudFetch({ provider: 'Test Provider', url: 'http://127.0.0.1:9/', headers: {}, timeoutMs: 1000, signal: abort.signal, secrets: [] }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('joinUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'audio/speech'],
    ['https://api.openai.com/v1/', '/audio/speech'],
  ])('joins %s and %s with one slash', (base, path) => {
    expect(joinUrl(base, path)).toBe('https://api.openai.com/v1/audio/speech');
  });
});
