import { Injectable } from '@nestjs/common';
import { ApiError } from '@voice/server-kit';
import { InjectConfig, type PersistenceApiConfig } from '../config';

/** An address may fail this many times more than one account, since offices share addresses. */
const ADDRESS_FACTOR = 4;
/** Past this many tracked keys, expired ones are swept so a spray of emails can't grow memory forever. */
const MAX_TRACKED_KEYS = 50_000;

/** One sign-in attempt, counted from the moment it began. */
export interface LoginAttempt {
  readonly email: string;
  readonly address: string;
  readonly at: number;
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

/**
 * Counts failed logins per account and per client address within a sliding window and refuses
 * further attempts with 429 and Retry-After once a limit is reached. In-process: each instance
 * counts on its own.
 *
 * An attempt counts as a failure from the moment it begins and is taken back only when it
 * succeeds: checking first and counting after the (slow) password check would let a burst of
 * parallel guesses all pass the check before any of them was counted.
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

  /** Refuses the attempt with 429 when the account or the address is out of tries; otherwise counts it. */
  begin(email: string, address: string, now = Date.now()): LoginAttempt {
    const max = this.config.LOGIN_MAX_FAILURES;
    const limits = [
      [accountKey(email), max],
      [addressKey(address), max * ADDRESS_FACTOR],
    ] as const;
    for (const [key, limit] of limits) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        const retryAfter = Math.max(1, Math.ceil((recent[0] + this.config.LOGIN_LOCKOUT_SECONDS * 1000 - now) / 1000));
        throw ApiError.tooManyRequests(
          `Too many failed sign-in attempts. Wait ${retryAfter} seconds and try again, or reset your password.`,
          retryAfter,
        );
      }
    }
    if (this.failures.size > MAX_TRACKED_KEYS) for (const key of [...this.failures.keys()]) this.recent(key, now);
    for (const [key] of limits) this.failures.set(key, [...this.recent(key, now), now]);
    return { email, address, at: now };
  }

  /** The password was right: the account starts afresh and the attempt is not held against the address. */
  succeeded(attempt: LoginAttempt) {
    this.failures.delete(accountKey(attempt.email));
    this.forget(addressKey(attempt.address), attempt.at);
  }

  /** The attempt could not be judged (an internal error): it counts against nobody. */
  abandoned(attempt: LoginAttempt) {
    this.forget(accountKey(attempt.email), attempt.at);
    this.forget(addressKey(attempt.address), attempt.at);
  }

  private forget(key: string, at: number) {
    const times = this.failures.get(key);
    const i = times?.indexOf(at) ?? -1;
    if (!times || i < 0) return;
    times.splice(i, 1);
    if (!times.length) this.failures.delete(key);
  }
}
