import { ApiError } from '@voice/server-kit';
import type { PersistenceApiConfig } from '../config';
import { LoginThrottleService } from './login-throttle.service';

const WINDOW_S = 60;
const MAX = 3;
const T0 = 1_700_000_000_000;

const throttle = () =>
  new LoginThrottleService({ LOGIN_MAX_FAILURES: MAX, LOGIN_LOCKOUT_SECONDS: WINDOW_S } as PersistenceApiConfig);

/** The 429 the call throws, or a failure when it does not throw one. */
function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).getStatus()).toBe(429);
    return err as ApiError;
  }
  throw new Error('expected the attempt to be refused with 429');
}

describe('LoginThrottleService', () => {
  it('allows LOGIN_MAX_FAILURES failed attempts per account, then refuses with Retry-After until the oldest ages out', () => {
    const s = throttle();
    s.begin('a@x.com', '10.0.0.1', T0);
    s.begin('a@x.com', '10.0.0.2', T0 + 10_000);
    s.begin('a@x.com', '10.0.0.3', T0 + 20_000);

    const err = refusal(() => s.begin('a@x.com', '10.0.0.4', T0 + 30_000));
    expect(err.code).toBe('rate_limited');
    expect(err.headers).toEqual({ 'Retry-After': '30' });
    expect(err.message).toBe('Too many failed sign-in attempts. Wait 30 seconds and try again, or reset your password.');

    // Refused attempts are not counted, so the window slides from the first failure.
    expect(refusal(() => s.begin('a@x.com', '10.0.0.4', T0 + 59_500)).headers).toEqual({ 'Retry-After': '1' });
    expect(() => s.begin('a@x.com', '10.0.0.4', T0 + WINDOW_S * 1000)).not.toThrow();
    refusal(() => s.begin('a@x.com', '10.0.0.4', T0 + WINDOW_S * 1000 + 1));
  });

  it('counts an attempt from its start, so parallel attempts cannot all slip past the limit', () => {
    const s = throttle();
    const started = [0, 1, 2].map(() => s.begin('a@x.com', '10.0.0.1', T0));
    expect(started).toHaveLength(MAX);
    refusal(() => s.begin('a@x.com', '10.0.0.1', T0));
  });

  it('starts an account afresh on success, without holding the success against the address', () => {
    const s = throttle();
    s.begin('a@x.com', '10.0.0.1', T0);
    s.begin('a@x.com', '10.0.0.1', T0 + 1);
    s.succeeded(s.begin('a@x.com', '10.0.0.1', T0 + 2));
    for (let i = 0; i < MAX; i++) s.begin('a@x.com', '10.0.0.1', T0 + 3 + i);
    refusal(() => s.begin('a@x.com', '10.0.0.1', T0 + 10));

    // The address saw 2 + 3 failures (the success is not one), so it has 4 x 3 - 5 = 7 left.
    for (let i = 0; i < 7; i++) s.begin(`other${i}@x.com`, '10.0.0.1', T0 + 20 + i);
    refusal(() => s.begin('fresh@x.com', '10.0.0.1', T0 + 30));
  });

  it('limits an address to four times the account limit across accounts', () => {
    const s = throttle();
    for (let i = 0; i < 4 * MAX; i++) s.begin(`user${i}@x.com`, '10.0.0.9', T0 + i);
    const err = refusal(() => s.begin('another@x.com', '10.0.0.9', T0 + 100));
    expect(err.headers).toEqual({ 'Retry-After': String(WINDOW_S) });
    expect(() => s.begin('another@x.com', '10.0.0.10', T0 + 100)).not.toThrow();
  });

  it('does not count an abandoned attempt (an internal error) against anyone', () => {
    const s = throttle();
    for (let i = 0; i < 10; i++) s.abandoned(s.begin('a@x.com', '10.0.0.1', T0 + i));
    for (let i = 0; i < MAX; i++) s.begin('a@x.com', '10.0.0.1', T0 + 100 + i);
    refusal(() => s.begin('a@x.com', '10.0.0.1', T0 + 200));
  });

  it('keeps accounts apart', () => {
    const s = throttle();
    for (let i = 0; i < MAX; i++) s.begin('a@x.com', `10.0.0.${i}`, T0 + i);
    refusal(() => s.begin('a@x.com', '10.0.1.1', T0 + 10));
    expect(() => s.begin('b@x.com', '10.0.0.1', T0 + 10)).not.toThrow();
  });
});
