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
});
