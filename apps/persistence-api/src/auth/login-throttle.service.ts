import { Injectable } from '@nestjs/common';
import { ApiError } from '@voice/server-kit';
import { InjectConfig, type PersistenceApiConfig } from '../config';

/** An address may fail this many times more than one account, since offices share addresses. */
const ADDRESS_FACTOR = 4;
/** Past this many tracked keys, expired ones are swept so a spray of emails can't grow memory forever. */
const MAX_TRACKED_KEYS = 50_000;

/**
 * Counts failed logins per account and per client address within a sliding window and refuses
 * further attempts with 429 and Retry-After once a limit is reached. In-process: each instance
 * counts on its own.
 */
@Injectable()
export class LoginThrottleService {
  private readonly failures = new Map<string, number[]>();

  constructor(@InjectConfig() private readonly config: PersistenceApiConfig) {}

  private recent(key: string, now: number): number[] {
    const windowMs = this.config.LOGIN_LOCKOUT_SECONDS * 1000;
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t < windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  assertAllowed(email: string, address: string, now = Date.now()) {
    const max = this.config.LOGIN_MAX_FAILURES;
    for (const [key, limit] of [
      [`account:${email}`, max],
      [`address:${address}`, max * ADDRESS_FACTOR],
    ] as const) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        const retryAfter = Math.max(1, Math.ceil((recent[0] + this.config.LOGIN_LOCKOUT_SECONDS * 1000 - now) / 1000));
        throw ApiError.tooManyRequests(
          `Too many failed sign-in attempts. Wait ${retryAfter} seconds and try again, or reset your password.`,
          retryAfter,
        );
      }
    }
  }

  recordFailure(email: string, address: string, now = Date.now()) {
    if (this.failures.size > MAX_TRACKED_KEYS) for (const key of [...this.failures.keys()]) this.recent(key, now);
    for (const key of [`account:${email}`, `address:${address}`]) {
      this.failures.set(key, [...this.recent(key, now), now]);
    }
  }

  recordSuccess(email: string) {
    this.failures.delete(`account:${email}`);
  }
}
