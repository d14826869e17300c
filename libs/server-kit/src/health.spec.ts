import { NonFatalHealthError, runHealthChecks } from './health';

describe('runHealthChecks', () => {
  it('names the failing dependency and answers within the timeout when a probe hangs', async () => {
    const started = Date.now();
    const result = await runHealthChecks(
      [
        { name: 'fast', check: async () => undefined },
        { name: 'hangs', check: () => new Promise(() => undefined) },
        { name: 'fails', check: async () => Promise.reject(new Error('connection refused')) },
      ],
      300,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.status).toBe('error');
    expect(result.checks['fast'].status).toBe('up');
    expect(result.checks['hangs']).toMatchObject({ status: 'down', error: 'no answer within 300 ms' });
    expect(result.checks['fails']).toMatchObject({ status: 'down', error: 'connection refused' });
  });

  it('reports a non-fatal dependency that is down as degraded, and a fatal one as error', async () => {
    const shared = { name: 'shared-api', fatal: false, check: async () => Promise.reject(new Error('unreachable')) };
    const own = { name: 'disk', check: async () => undefined };
    expect(await runHealthChecks([own, shared], 300)).toMatchObject({ status: 'degraded', checks: { 'shared-api': { status: 'down', error: 'unreachable' } } });
    expect((await runHealthChecks([{ ...own, check: async () => Promise.reject(new Error('full')) }, shared], 300)).status).toBe('error');
    expect((await runHealthChecks([own, { ...shared, check: async () => undefined }], 300)).status).toBe('ok');
  });

  it('lets a fatal probe report one failure as non-fatal (NonFatalHealthError), and names it as down either way', async () => {
    const provider = (err: Error) => ({ name: 'stt', check: async () => Promise.reject(err) });
    const unreachable = await runHealthChecks([provider(new NonFatalHealthError('stt: cannot reach the provider'))], 300);
    expect(unreachable).toEqual({
      status: 'degraded',
      checks: { stt: { status: 'down', latencyMs: expect.any(Number), error: 'stt: cannot reach the provider' } },
    });
    expect((await runHealthChecks([provider(new Error('stt: credential rejected (401)'))], 300)).status).toBe('error');
  });
});
