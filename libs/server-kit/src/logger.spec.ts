import { trace, TraceFlags } from '@opentelemetry/api';
import { createLogger, redactUrl } from './logger';

describe('createLogger', () => {
  it('redacts passwords, tokens, secrets, cookies and authorization headers', () => {
    const lines: string[] = [];
    const log = createLogger('t', 'info', { write: (l: string) => void lines.push(l) });
    log.info({
      password: 'p1',
      body: { password: 'p2', refreshToken: 'r1', client_secret: 's1' },
      req: { headers: { authorization: 'Bearer a1', cookie: 'c=1' } },
      res: { headers: { 'set-cookie': 'refresh_token=r2' } },
    });
    const out = lines.join('');
    for (const secret of ['p1', 'p2', 'r1', 's1', 'a1', 'c=1', 'r2']) expect(out).not.toContain(secret);
    expect(out).toContain('[Redacted]');
  });

  it('blanks sensitive query parameters in URLs', () => {
    expect(redactUrl('/v1/ws?ticket=abc&x=1&token=def')).toBe('/v1/ws?ticket=[Redacted]&x=1&token=[Redacted]');
  });

  it('writes the trace and span a line was logged in, and nothing when there is none', () => {
    const lines: string[] = [];
    const log = createLogger('t', 'info', { write: (l: string) => void lines.push(l) });
    log.info('outside any span');
    const ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    jest.spyOn(trace, 'getActiveSpan').mockReturnValue(trace.wrapSpanContext({ ...ids, traceFlags: TraceFlags.SAMPLED }));
    log.child({ reqId: 'r1' }).info('inside a request');
    jest.restoreAllMocks();
    const [outside, inside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outside).not.toHaveProperty('trace_id');
    expect(inside).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, msg: 'inside a request' });
  });
});
