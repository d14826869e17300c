import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import type { FailureEntry, FailureLimit, FailureLog } from './failure-log';

/** Injection token of the FailureLog the throttle counts in (see auth.module.ts). */
export const FAILURE_LOG = Symbol('FailureLog');

/** An address may fail this many times more than one account, since offices share addresses. */
const ADDRESS_FACTOR = 4;

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
 * An attempt counts as a failure from the moment it begins and is taken back only when it
 * succeeds: checking first and counting after the (slow) password check would let a burst of
 * parallel guesses all pass the check before any of them was counted.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectConfig() private readonly config: PersistenceApiConfig,
    @Inject(FAILURE_LOG) private readonly log: FailureLog,
  ) {}

  /** Refuses the attempt with 429 when the account or the address is out of tries; otherwise counts it. */
  async begin(email: string, address: string, now = Date.now()): Promise<LoginAttempt> {
    const max = this.config.LOGIN_MAX_FAILURES;
    const windowMs = this.config.LOGIN_LOCKOUT_SECONDS * 1000;
    const limits: FailureLimit[] = [
      [accountKey(email), max],
      [addressKey(address), max * ADDRESS_FACTOR],
    ];
    const entry = { id: randomUUID(), at: now };
    const oldest = await this.log.record(limits, entry, windowMs);
    if (oldest !== null) {
      const retryAfter = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      throw ApiError.tooManyRequests(`Too many failed sign-in attempts. Wait ${retryAfter} seconds and try again, or reset your password.`, retryAfter);
    }
    return { email, address, entry };
  }

  /** The password was right: the account starts afresh and the attempt is not held against the address. */
  async succeeded(attempt: LoginAttempt) {
    await Promise.all([this.log.clear(accountKey(attempt.email)), this.log.remove(addressKey(attempt.address), attempt.entry)]);
  }

  /** The attempt could not be judged (an internal error): it counts against nobody. */
  async abandoned(attempt: LoginAttempt) {
    await Promise.all([accountKey(attempt.email), addressKey(attempt.address)].map((key) => this.log.remove(key, attempt.entry)));
  }
}
