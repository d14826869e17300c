import { fromTokens, MemorySessionStore, type StoredSession } from './session-store';
import { testTokens as tokens } from './test-tokens';

describe('MemorySessionStore', () => {
  it('forgets a session idle for longer than its limit, and keeps one in use', async () => {
    const store = new MemorySessionStore(1000);
    await store.set('a', fromTokens(tokens(1), 0));
    expect((await store.get('a', 900))?.accessToken).toBe('access-1');
    expect((await store.get('a', 1800))?.accessToken).toBe('access-1'); // 900 ms after the last use
    expect(await store.get('a', 3000)).toBeUndefined();
    expect(await store.get('a', 3001)).toBeUndefined();
  });

  it('refreshes once for concurrent callers: a rotated refresh token must never be presented twice', async () => {
    const store = new MemorySessionStore(60_000);
    await store.set('a', fromTokens(tokens(1)));
    const seen: string[] = [];
    const refresh = jest.fn(async (s: StoredSession) => {
      seen.push(s.refreshToken);
      await new Promise((r) => setTimeout(r, 20));
      return fromTokens(tokens(2));
    });
    const results = await Promise.all([store.refresh('a', refresh), store.refresh('a', refresh), store.refresh('a', refresh)]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['refresh-1']);
    expect(results.map((r) => r?.accessToken)).toEqual(['access-2', 'access-2', 'access-2']);
    expect((await store.get('a'))?.refreshToken).toBe('refresh-2');
  });

  it('ends the session when the refresh is refused, and keeps it when persistence-api could not be reached', async () => {
    const store = new MemorySessionStore(60_000);
    await store.set('refused', fromTokens(tokens(1)));
    await store.set('down', fromTokens(tokens(1)));
    expect(await store.refresh('refused', async () => undefined)).toBeUndefined();
    expect(await store.get('refused')).toBeUndefined();
    await expect(store.refresh('down', async () => Promise.reject(new Error('unreachable')))).rejects.toThrow('unreachable');
    expect((await store.get('down'))?.refreshToken).toBe('refresh-1');
  });
});
