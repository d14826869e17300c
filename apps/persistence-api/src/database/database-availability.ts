import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiError } from '@voice/server-kit';
import type { DataSource } from 'typeorm';
import { InjectConfig, type PersistenceApiConfig } from '../config';
import { databaseFailure, type DatabaseFailure } from './database-failure';

/** What a refused request is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;
/** How often an outage is probed for its end. */
const PROBE_EVERY_MS = 1_000;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Turns database outages into 503 database_unavailable answers with Retry-After, and logs each
 * outage twice, not each request: one line when the first request fails, one when the database
 * answers again, with how long it lasted and how many requests were refused meanwhile.
 */
@Injectable()
export class DatabaseAvailability implements OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private outage?: { startedAt: number; refused: number };
  private probe?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: PersistenceApiConfig,
  ) {}

  /** For the error filter: a database failure becomes a 503 ApiError; anything else is returned unchanged. */
  readonly translate = (err: unknown): unknown => {
    const failure = databaseFailure(err);
    if (!failure) return err;
    this.refused(failure);
    return ApiError.unavailable('database_unavailable', this.describe(failure), RETRY_AFTER_SECONDS).alreadyLogged();
  };

  /** True while an outage is under way (between its first refused request and a successful probe). */
  get unavailable() {
    return this.outage !== undefined;
  }

  private describe(failure: DatabaseFailure) {
    return failure.kind === 'timeout'
      ? `The database did not answer within ${seconds(this.config.DB_TIMEOUT_MS)}. Try again in a few seconds.`
      : 'The database is unavailable right now. Try again in a few seconds.';
  }

  private refused(failure: DatabaseFailure) {
    if (this.outage) {
      this.outage.refused++;
      return;
    }
    this.outage = { startedAt: Date.now(), refused: 1 };
    const reason = failure.kind === 'timeout' ? `no answer within ${seconds(this.config.DB_TIMEOUT_MS)}` : failure.reason;
    this.logger.warn({ msg: `database unavailable (${reason}): answering 503 database_unavailable until it answers again`, reason });
    this.scheduleProbe();
  }

  private scheduleProbe() {
    if (this.closed) return;
    this.probe = setTimeout(() => void this.runProbe(), PROBE_EVERY_MS);
    this.probe.unref();
  }

  private async runProbe() {
    try {
      await this.db.query('SELECT 1');
    } catch {
      this.scheduleProbe();
      return;
    }
    const outage = this.outage;
    this.outage = undefined;
    if (!outage || this.closed) return;
    const lasted = Date.now() - outage.startedAt;
    this.logger.log({
      msg: `database available again after ${seconds(lasted)}; ${outage.refused} request(s) were refused meanwhile`,
      refused: outage.refused,
      outageMs: lasted,
    });
  }

  onApplicationShutdown() {
    this.closed = true;
    clearTimeout(this.probe);
  }
}
