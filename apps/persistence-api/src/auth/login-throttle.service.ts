import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { type FailureEntry, type FailureLimit, type FailureLog, IN_FLIGHT_MAX_MS } from './failure-log';

/** Injection token of the FailureLog the throttle counts in (see auth.module.ts). */
export const FAILURE_LOG = Symbol('FailureLog');

/** An address may fail this many times more than one account, since offices share addresses. */
const ADDRESS_FACTOR = 4;

/**
 * How long an attempt waits for the attempts in flight ahead of it before it is refused, and how often it
 * looks. As long as an attempt in flight counts at all: by then those of a dead instance have lapsed.
 */
export const IN_FLIGHT_WAIT_MS = IN_FLIGHT_MAX_MS;
const POLL_MS = 25;

/** One sign-in attempt, counted from the moment it began. */
export interface LoginAttempt {
  readonly email: string;
  readonly address: string;
  readonly entry: FailureEntry;
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

/**
 * Counts failed logins per account and per client address within a sliding window and refuses
 * further attempts with 429 and Retry-After once a limit is reached. The counts live in the
 * FailureLog: Redis, shared by every instance, when REDIS_URL is set; this process otherwise.
 *
 * An attempt is in flight from the moment it begins until its password is judged, and attempts in
 * flight count toward the limit alongside the failures: checking first and counting after the (slow)
 * password check would let a burst of parallel guesses all pass the check before any was counted.
 * An attempt that finds the limit reached only because others are still in flight waits for them
 * rather than being refused, since they may well succeed: concurrent sign-ins with the right password
 * are never refused, while a burst of guesses still gets at most LOGIN_MAX_FAILURES password checks.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectConfig() private readonly config: PersistenceApiConfig,
    @Inject(FAILURE_LOG) private readonly log: FailureLog,
  ) {}

  private get windowMs() {
    return this.config.LOGIN_LOCKOUT_SECONDS * 1000;
  }

  /** Refuses the attempt with 429 when the account or the address is out of tries; otherwise counts it as in flight. */
  async begin(email: string, address: string, now = Date.now()): Promise<LoginAttempt> {
    const max = this.config.LOGIN_MAX_FAILURES;
    const limits: FailureLimit[] = [
      [accountKey(email), max],
      [addressKey(address), max * ADDRESS_FACTOR],
    ];
    const id = randomUUID();
    const started = Date.now();
    for (;;) {
      const at = now + (Date.now() - started);
      const result = await this.log.record(limits, { id, at }, this.windowMs);
      if (result.kind === 'recorded') return { email, address, entry: { id, at } };
      if (result.kind === 'locked') {
        const retryAfter = Math.max(1, Math.ceil((result.oldest + this.windowMs - at) / 1000));
        throw ApiError.tooManyRequests(`Too many failed sign-in attempts. Wait ${retryAfter} seconds and try again, or reset your password.`, retryAfter);
      }
      if (Date.now() - started >= IN_FLIGHT_WAIT_MS) {
        throw ApiError.tooManyRequests('Too many sign-ins to this account are being checked at once. Wait a second and try again.', 1);
      }
      await sleep(POLL_MS + Math.random() * POLL_MS);
    }
  }

  /** The password was right: the account starts afresh and the attempt is not held against the address. */
  async succeeded(attempt: LoginAttempt) {
    await Promise.all([
      this.log.clear(accountKey(attempt.email)),
      ...[accountKey(attempt.email), addressKey(attempt.address)].map((key) => this.log.remove(key, attempt.entry)),
    ]);
  }

  /** The password was wrong: the attempt counts against the account and the address for the window. */
  async failed(attempt: LoginAttempt) {
    await this.log.fail([accountKey(attempt.email), addressKey(attempt.address)], attempt.entry, this.windowMs);
  }

  /** The attempt could not be judged (an internal error): it counts against nobody. */
  async abandoned(attempt: LoginAttempt) {
    await Promise.all([accountKey(attempt.email), addressKey(attempt.address)].map((key) => this.log.remove(key, attempt.entry)));
  }
}
